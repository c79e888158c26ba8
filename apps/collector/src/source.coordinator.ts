import type { Clock, Environment } from '@tocsin/domain';
import type { BackoffPolicy, Source } from '@tocsin/sources';
import { FeedConnector } from './connectors/feed.connector';
import { JetstreamConnector } from './connectors/jetstream.connector';
import { MastodonConnector } from './connectors/mastodon.connector';
import type { SourceConnector } from './connectors/source-connector';
import type { SourceLeaseStore } from './source-lease.store';
import type { SourceOutput } from './source.output';
import { SourceRunner, type RunnerLogger } from './source.runner';
import { SourceStatus, type SourceHealth } from './source-status';

export interface CoordinatorSettings {
  instanceId: string;
  leaseMs: number;
  maxFutureSkewMs: number;
  backoff: BackoffPolicy;
  environment: Environment;
}

function connectorFor(source: Source, environment: Environment): SourceConnector<unknown> {
  switch (source.kind) {
    case 'jetstream':
      return new JetstreamConnector(source) as SourceConnector<unknown>;
    case 'mastodon':
      return new MastodonConnector(source, environment) as SourceConnector<unknown>;
    case 'feed':
      return new FeedConnector(source) as SourceConnector<unknown>;
  }
}

/** A stable per-instance order of the sources, so collectors starting together try different ones first. */
function preference(instanceId: string, sourceId: string): number {
  let hash = 2166136261;
  for (const char of `${instanceId}/${sourceId}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return hash;
}

interface Held {
  runner: SourceRunner<unknown>;
  renewedAtMs: number;
}

/**
 * Shares the sources among the live collectors through Redis: each one heartbeats, counts the
 * live ones, takes leases up to its fair share (rounded up) and gives back what exceeds it,
 * so a collector joining takes work over and one dying has its sources taken within a lease.
 */
export class SourceCoordinator {
  private readonly statuses: Map<string, SourceStatus>;
  private readonly held = new Map<string, Held>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(
    private readonly sources: readonly Source[],
    private readonly leases: SourceLeaseStore,
    private readonly output: SourceOutput,
    private readonly settings: CoordinatorSettings,
    private readonly clock: Clock,
    private readonly random: () => number,
    private readonly logger: RunnerLogger,
  ) {
    this.statuses = new Map(sources.map((source) => [source.id, new SourceStatus(source)]));
  }

  async start(): Promise<void> {
    await this.tick();
    // Renewing three times per lease leaves two chances before it lapses.
    this.timer = setInterval(() => void this.tick(), Math.max(100, Math.floor(this.settings.leaseMs / 3)));
  }

  health(): SourceHealth[] {
    const nowMs = this.clock.now();
    return [...this.statuses.values()].map((status) => status.health(nowMs));
  }

  /** Stops every runner (batches in flight are finished), gives the leases back and leaves. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.ticking;
    await Promise.all([...this.held.keys()].map((id) => this.giveBack(id)));
    await this.leases.leave(this.settings.instanceId);
  }

  private tick(): Promise<void> {
    this.ticking = this.ticking.then(() => (this.stopping ? undefined : this.rebalance()));
    return this.ticking;
  }

  private async rebalance(): Promise<void> {
    const { instanceId, leaseMs } = this.settings;
    try {
      const members = await this.leases.heartbeat(instanceId, this.clock.now(), leaseMs);
      const share = Math.ceil(this.sources.length / Math.max(1, members));
      await this.renewHeld();
      const mine = [...this.held.keys()].sort((a, b) => preference(instanceId, b) - preference(instanceId, a));
      while (this.held.size > share) {
        const id = mine.shift();
        if (id === undefined) break;
        this.logger.log(`source ${id}: handed over (${members} collectors, a share of ${share})`);
        await this.giveBack(id);
      }
      const candidates = this.sources
        .filter((source) => !this.held.has(source.id))
        .sort((a, b) => preference(instanceId, a.id) - preference(instanceId, b.id));
      for (const source of candidates) {
        const status = this.statuses.get(source.id);
        if (!status) continue;
        if (this.held.size < share && (await this.leases.acquire(source.id, instanceId, leaseMs))) {
          this.take(source, status);
          continue;
        }
        status.holder = (await this.leases.holder(source.id)) ?? undefined;
        status.enter(status.holder ? 'held-elsewhere' : 'unassigned', this.clock.now());
      }
    } catch (error) {
      this.logger.warn(
        `source leases not refreshed (Redis): ${error instanceof Error ? error.message : String(error)}`,
      );
      await this.dropExpired();
    }
  }

  private async renewHeld(): Promise<void> {
    for (const [id, held] of this.held) {
      if (await this.leases.renew(id, this.settings.instanceId, this.settings.leaseMs)) {
        held.renewedAtMs = this.clock.now();
        continue;
      }
      this.logger.warn(`source ${id}: lease taken by another collector, stopping`);
      this.held.delete(id);
      await held.runner.stop();
    }
  }

  /** Without Redis, a lease this collector could not renew in time must be assumed lost. */
  private async dropExpired(): Promise<void> {
    const nowMs = this.clock.now();
    for (const [id, held] of this.held) {
      if (nowMs - held.renewedAtMs < this.settings.leaseMs) continue;
      this.logger.warn(`source ${id}: lease could not be renewed before it lapsed, stopping`);
      this.held.delete(id);
      await held.runner.stop();
    }
  }

  private take(source: Source, status: SourceStatus): void {
    const runner = new SourceRunner(source, connectorFor(source, this.settings.environment), status, {
      leases: this.leases,
      output: this.output,
      clock: this.clock,
      random: this.random,
      backoff: this.settings.backoff,
      maxFutureSkewMs: this.settings.maxFutureSkewMs,
      logger: this.logger,
    });
    const held: Held = { runner, renewedAtMs: this.clock.now() };
    this.held.set(source.id, held);
    status.holder = this.settings.instanceId;
    this.logger.log(`source ${source.id} (${source.kind}): reading`);
    runner.start((reason) => {
      if (this.held.get(source.id) === held) this.held.delete(source.id);
      if (reason !== 'stopped') this.logger.warn(`source ${source.id}: reader ended (${reason})`);
      status.holder = undefined;
      status.enter('unassigned', this.clock.now());
    });
  }

  private async giveBack(id: string): Promise<void> {
    const held = this.held.get(id);
    if (!held) return;
    this.held.delete(id);
    await held.runner.stop();
    await this.leases.release(id, this.settings.instanceId);
  }
}
