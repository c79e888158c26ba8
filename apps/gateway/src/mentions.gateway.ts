import { Inject, Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayConnection,
} from '@nestjs/websockets';
import { planTargetResolver, viewAlert, type Alert } from '@tocsin/alerting';
import {
  describeZodError,
  enrichedMentionSchema,
  spikeSignalSchema,
  type EnrichedMention,
  type SpikeSignal,
} from '@tocsin/domain';
import { PlanSource } from '@tocsin/plan-source';
import { AlertStore, RecentMentionsStore, RecentSignalsStore } from '@tocsin/redis';
import type { Server, Socket } from 'socket.io';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import {
  brandRoom,
  userRoom,
  type SocketData,
  brandSelectionSchema,
  type ClientToServerEvents,
  type CommandError,
  type ServerToClientEvents,
  type SubscribeAnswer,
  type UnsubscribeAnswer,
} from './socket-events';

export type TocsinSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const RECENT_PER_BRAND = 50;
/** Two hours of the two charted metrics at 1-minute intervals. */
const SIGNALS_PER_BRAND = 240;

/** The live wall's socket: clients join the rooms of the brands they watch. */
@WebSocketGateway({ transports: ['websocket', 'polling'] })
export class MentionsGateway implements OnGatewayConnection {
  @WebSocketServer()
  server!: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

  private readonly logger = new Logger(MentionsGateway.name);

  constructor(
    private readonly plan: PlanSource,
    private readonly recent: RecentMentionsStore,
    private readonly recentSignals: RecentSignalsStore,
    private readonly alerts: AlertStore,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * A console says who uses it in the handshake (`auth: { userId }`) and joins that person's
   * room, where their pages arrive; a wall needs no identity. An unknown person is refused.
   */
  async handleConnection(socket: TocsinSocket): Promise<void> {
    const auth: unknown = socket.handshake.auth;
    const userId = typeof auth === 'object' && auth !== null && 'userId' in auth ? auth.userId : undefined;
    if (userId === undefined) return;
    const known = typeof userId === 'string' && this.plan.current().plan.people.some((person) => person.id === userId);
    if (!known) {
      socket.emit('connection.refused', {
        code: 'unknown_user',
        message: `no person ${JSON.stringify(userId)} in the crisis plan`,
      });
      socket.disconnect(true);
      return;
    }
    socket.data.userId = userId;
    await socket.join(userRoom(userId));
    this.logger.debug(`socket ${socket.id} connected as ${userId}`);
  }

  private selectBrands(payload: unknown): { ok: true; brandIds: string[] } | { ok: false; error: CommandError } {
    const parsed = brandSelectionSchema.safeParse(payload);
    if (!parsed.success) {
      const detail = describeZodError(parsed.error).map((issue) => `${issue.field}: ${issue.message}`);
      return {
        ok: false,
        error: { code: 'invalid_payload', message: `expected { brandIds: string[] }; ${detail.join('; ')}` },
      };
    }
    const known = new Set(this.plan.current().plan.brands.map((brand) => brand.id));
    const unknown = parsed.data.brandIds.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      return { ok: false, error: { code: 'unknown_brand', message: `unknown brand(s): ${unknown.join(', ')}` } };
    }
    return { ok: true, brandIds: [...new Set(parsed.data.brandIds)] };
  }

  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() socket: TocsinSocket, @MessageBody() payload: unknown): Promise<SubscribeAnswer> {
    const selection = this.selectBrands(payload);
    if (!selection.ok) return selection;
    const rooms = new Set([...socket.rooms].filter((room) => room.startsWith(brandRoom(''))));
    for (const id of selection.brandIds) rooms.add(brandRoom(id));
    const { maxBrands } = this.config.socketLimits;
    if (rooms.size > maxBrands) {
      return {
        ok: false,
        error: {
          code: 'too_many_subscriptions',
          message: `a socket may follow at most ${maxBrands} brands; this one would follow ${rooms.size}`,
        },
      };
    }
    await socket.join(selection.brandIds.map(brandRoom));
    const [recent, signals, alerts] = await Promise.all([
      this.recentMentions(selection.brandIds),
      this.latestSignals(selection.brandIds),
      this.liveAlerts(selection.brandIds),
    ]);
    const resolver = planTargetResolver(this.plan.current().plan);
    return {
      ok: true,
      brandIds: selection.brandIds,
      recent,
      signals,
      alerts: alerts.map((alert) => viewAlert(alert, resolver)),
    };
  }

  @SubscribeMessage('unsubscribe')
  async unsubscribe(
    @ConnectedSocket() socket: TocsinSocket,
    @MessageBody() payload: unknown,
  ): Promise<UnsubscribeAnswer> {
    const selection = this.selectBrands(payload);
    if (!selection.ok) return selection;
    await Promise.all(selection.brandIds.map((id) => socket.leave(brandRoom(id))));
    return { ok: true, brandIds: selection.brandIds };
  }

  /** Newest first across the brands, each mention once. */
  private async recentMentions(brandIds: readonly string[]): Promise<EnrichedMention[]> {
    const lists = await Promise.all(brandIds.map((id) => this.recent.list(id, RECENT_PER_BRAND)));
    const byKey = new Map<string, EnrichedMention>();
    for (const raw of lists.flat()) {
      const parsed = enrichedMentionSchema.safeParse(JSON.parse(raw));
      if (parsed.success) byKey.set(parsed.data.key, parsed.data);
    }
    return [...byKey.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, RECENT_PER_BRAND);
  }

  /** Oldest first across the brands, as a chart draws them. */
  private async latestSignals(brandIds: readonly string[]): Promise<SpikeSignal[]> {
    const lists = await Promise.all(brandIds.map((id) => this.recentSignals.list(id, SIGNALS_PER_BRAND)));
    return lists
      .flat()
      .flatMap((raw) => {
        const parsed = spikeSignalSchema.safeParse(JSON.parse(raw));
        return parsed.success ? [parsed.data] : [];
      })
      .sort((a, b) => a.intervalStart.localeCompare(b.intervalStart));
  }

  private async liveAlerts(brandIds: readonly string[]): Promise<Alert[]> {
    return (await Promise.all(brandIds.map((brandId) => this.alerts.listLive(brandId)))).flat();
  }

  deliverMention(brandId: string, mention: EnrichedMention): void {
    this.server.to(brandRoom(brandId)).emit('mention.created', mention);
  }

  deliverSignal(signal: SpikeSignal): void {
    this.server.to(brandRoom(signal.brandId)).emit('signal.spike', signal);
  }
}
