import { Controller, Get } from '@nestjs/common';
import type { Role, SeverityLevel } from '@tocsin/crisis-plan';
import { PlanSource } from '@tocsin/plan-source';

/** What a console is told of the plan in force: the answer of `GET /v1/plan`. */
export interface PlanSummary {
  version: string;
  organisation: string;
  brands: Array<{ id: string; name: string }>;
  levels: SeverityLevel[];
  people: Array<{ id: string; name: string; role: Role }>;
}

/** What consoles need of the crisis plan in force; contacts and schedules stay server-side. */
@Controller('v1')
export class PlanController {
  constructor(private readonly plan: PlanSource) {}

  @Get('brands')
  brands(): Array<{ id: string; name: string }> {
    return this.plan.current().plan.brands.map((brand) => ({ id: brand.id, name: brand.name }));
  }

  @Get('plan')
  summary(): PlanSummary {
    const { plan, version } = this.plan.current();
    return {
      version,
      organisation: plan.organisation,
      brands: this.brands(),
      levels: plan.levels,
      people: plan.people.map((person) => ({ id: person.id, name: person.name, role: person.role })),
    };
  }
}
