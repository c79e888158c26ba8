import { Inject, Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayConnection,
} from '@nestjs/websockets';
import { authorize, brandsInScope } from '@tocsin/access';
import { planTargetResolver, viewAlert, type Alert, type Incident } from '@tocsin/alerting';
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
import { sessionRoom } from './auth/session.store';
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
   * The handshake admitted only a live session (auth/socket-auth.ts): the socket joins its
   * person's room, where their pages arrive, and its session's room, which sign-out empties.
   */
  async handleConnection(socket: TocsinSocket): Promise<void> {
    const { actor, sessionId } = socket.data;
    if (!actor || sessionId === undefined) {
      socket.disconnect(true);
      return;
    }
    await socket.join([userRoom(actor.personId), sessionRoom(sessionId)]);
    this.logger.debug(`socket ${socket.id} connected as ${actor.username} (${actor.personId})`);
  }

  /** Closes a session's sockets on every gateway instance (the Redis adapter carries it). */
  endSession(room: string): void {
    this.server.to(room).emit('connection.refused', { code: 'signed_out', message: 'the session was signed out' });
    this.server.in(room).disconnectSockets(true);
  }

  private selectBrands(
    socket: TocsinSocket,
    payload: unknown,
  ): { ok: true; brandIds: string[] } | { ok: false; error: CommandError } {
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
    const actor = socket.data.actor;
    if (!actor) return { ok: false, error: { code: 'unauthenticated', message: 'sign in first' } };
    const denied = authorize(actor, 'mentions.read');
    if (denied) return { ok: false, error: denied };
    const allowed = new Set(brandsInScope(actor, parsed.data.brandIds));
    const outside = parsed.data.brandIds.filter((id) => !allowed.has(id));
    if (outside.length > 0) {
      return {
        ok: false,
        error: {
          code: 'brand_out_of_scope',
          message: `brand(s) ${outside.join(', ')} outside ${actor.username}'s brands (${actor.brandIds.join(', ') || 'none'})`,
        },
      };
    }
    return { ok: true, brandIds: [...new Set(parsed.data.brandIds)] };
  }

  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() socket: TocsinSocket, @MessageBody() payload: unknown): Promise<SubscribeAnswer> {
    const selection = this.selectBrands(socket, payload);
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
    const [recent, signals, alerts, incidents] = await Promise.all([
      this.recentMentions(selection.brandIds),
      this.latestSignals(selection.brandIds),
      this.liveAlerts(selection.brandIds),
      this.liveIncidents(selection.brandIds),
    ]);
    const resolver = planTargetResolver(this.plan.current().plan);
    return {
      ok: true,
      brandIds: selection.brandIds,
      recent,
      signals,
      alerts: alerts.map((alert) => viewAlert(alert, resolver)),
      incidents,
    };
  }

  @SubscribeMessage('unsubscribe')
  async unsubscribe(
    @ConnectedSocket() socket: TocsinSocket,
    @MessageBody() payload: unknown,
  ): Promise<UnsubscribeAnswer> {
    const selection = this.selectBrands(socket, payload);
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

  private async liveIncidents(brandIds: readonly string[]): Promise<Incident[]> {
    return (await Promise.all(brandIds.map((brandId) => this.alerts.listLiveIncidents(brandId)))).flat();
  }

  deliverMention(brandId: string, mention: EnrichedMention): void {
    this.server.to(brandRoom(brandId)).emit('mention.created', mention);
  }

  deliverSignal(signal: SpikeSignal): void {
    this.server.to(brandRoom(signal.brandId)).emit('signal.spike', signal);
  }
}
