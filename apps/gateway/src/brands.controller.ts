import { Controller, Get } from '@nestjs/common';
import { PlanSource } from '@tocsin/plan-source';

@Controller('v1/brands')
export class BrandsController {
  constructor(private readonly plan: PlanSource) {}

  @Get()
  list(): Array<{ id: string; name: string }> {
    return this.plan.current().plan.brands.map((brand) => ({ id: brand.id, name: brand.name }));
  }
}
