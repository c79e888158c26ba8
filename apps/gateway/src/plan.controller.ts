import { Controller, Get } from '@nestjs/common';
import { brandsInScope, isInScope, type Actor } from '@tocsin/access';
import type { Role, SeverityLevel } from '@tocsin/crisis-plan';
import { PlanSource } from '@tocsin/plan-source';
import { UserStore } from '@tocsin/redis';
import { Allow, CurrentActor } from './auth/access.guard';

/** What a console is told of the plan in force: the answer of `GET /v1/plan`. */
export interface PlanSummary {
  version: string;
  organisation: string;
  brands: Array<{ id: string; name: string }>;
  levels: SeverityLevel[];
  people: Array<{ id: string; name: string; role: Role }>;
}

/**
 * What consoles need of the crisis plan in force, within the reader's brands; contacts and
 * schedules stay server-side.
 */
@Controller('v1')
export class PlanController {
  constructor(
    private readonly plan: PlanSource,
    private readonly users: UserStore,
  ) {}

  @Allow('plan.read')
  @Get('brands')
  brands(@CurrentActor() actor: Actor): Array<{ id: string; name: string }> {
    const { brands } = this.plan.current().plan;
    const inScope = new Set(
      brandsInScope(
        actor,
        brands.map((brand) => brand.id),
      ),
    );
    return brands.filter((brand) => inScope.has(brand.id)).map((brand) => ({ id: brand.id, name: brand.name }));
  }

  /**
   * People are listed when they share a brand with the reader (through their accounts), so a
   * console can name who acknowledged; an admin sees everyone.
   */
  @Allow('plan.read')
  @Get('plan')
  async summary(@CurrentActor() actor: Actor): Promise<PlanSummary> {
    const { plan, version } = this.plan.current();
    const colleagues = new Set([actor.personId]);
    if (actor.role !== 'admin') {
      for (const user of await this.users.list()) {
        const shared = user.role === 'admin' || user.brandIds.some((brandId) => isInScope(actor, brandId));
        if (shared && !user.disabled) colleagues.add(user.personId);
      }
    }
    return {
      version,
      organisation: plan.organisation,
      brands: this.brands(actor),
      levels: plan.levels,
      people: plan.people
        .filter((person) => actor.role === 'admin' || colleagues.has(person.id))
        .map((person) => ({ id: person.id, name: person.name, role: person.role })),
    };
  }
}
