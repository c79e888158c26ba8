/*
 * What the alert console knows: the plan summary, who is using it, the alerts seen, the filters
 * and the pages ringing. One object shared by the console's views; the page module changes it.
 */
import type { AlertView, NotificationReason, Silence } from '@tocsin/alerting';
import { levelRank } from '@tocsin/alerting/level-rank';
import type { Role, SeverityLevel } from '@tocsin/crisis-plan';
import type { WebhookDelivery } from '@tocsin/redis';
import type { PlanSummary } from '../../src/plan.controller';
import { bindPageHeader } from '../shared/page-header';

export type Person = PlanSummary['people'][number];
export type StateFilter = 'active' | 'all' | AlertView['state'];

/** An alert paging the person using the console, shown in the banner until someone answers it. */
export interface PageEntry {
  alertId: string;
  reason: NotificationReason;
  atMs: number;
}

export const STATES: readonly AlertView['state'][] = ['open', 'acknowledged', 'resolved'];
export const STATE_LABELS: Record<AlertView['state'], string> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
};
export const ROLE_LABELS: Record<Role, string> = { cm: 'community manager', manager: 'manager', director: 'director' };

export const STORAGE_KEYS = {
  sound: 'tocsin.console.sound',
  checklist: (alertId: string): string => `tocsin.console.checklist.${alertId}`,
};

export const state = {
  levels: [] as SeverityLevel[],
  levelById: new Map<string, SeverityLevel>(),
  brands: [] as PlanSummary['brands'],
  brandNames: new Map<string, string>(),
  people: new Map<string, Person>(),
  userId: null as string | null,
  selectedBrands: [] as string[],
  subscribed: [] as string[],
  alerts: new Map<string, AlertView>(),
  deliveries: new Map<string, WebhookDelivery[]>(),
  stateFilter: 'active' as StateFilter,
  levelFilter: '',
  selectedId: null as string | null,
  busy: false,
  pages: new Map<string, PageEntry>(),
  seenPages: new Set<string>(),
  soundOn: false,
  silences: [] as Silence[],
  refused: false,
  /** The alert and level the detail's playbook was drawn for: redrawn only when one changes. */
  detailKey: '',
};

export const header = bindPageHeader('[data-testid="console-error"]');

export function roleLabel(role: string): string {
  return ROLE_LABELS[role as Role] ?? role;
}

export const brandName = (brandId: string): string => state.brandNames.get(brandId) ?? brandId;
export const personName = (userId: string): string =>
  userId === 'tocsin' ? 'Tocsin' : (state.people.get(userId)?.name ?? userId);
export const levelName = (levelId: string): string => state.levelById.get(levelId)?.name ?? levelId;

export function rankOf(levelId: string): number {
  return levelRank(state, levelId);
}

/** Severity colour bucket 0 (calm) … 4 (red), spread over however many levels the plan has. */
export function severityBucket(levelId: string): number {
  const rank = rankOf(levelId);
  const count = state.levels.length;
  if (rank < 0) return 2;
  if (count <= 1) return 4;
  return Math.round((rank / (count - 1)) * 4);
}

export const pagesMe = (alert: AlertView): boolean =>
  state.userId !== null && alert.pagedUserIds.includes(state.userId);

export function selectedAlert(): AlertView | undefined {
  return state.selectedId ? state.alerts.get(state.selectedId) : undefined;
}
