import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { systemClock } from '@tocsin/domain';
import type Redis from 'ioredis';
import type { ServerOptions, Server } from 'socket.io';
import { authenticateSockets, recheckSessionOnCommands, sweepEndedSessions } from './auth/socket-auth';
import type { SessionGate } from './auth/session.store';
import { guardSocket } from './socket-guard';
import type { SocketLimits } from './socket-limits';

export interface SocketAuthSettings {
  sessions: SessionGate;
  /** The public URL's origin: the only Origin a browser may connect from. */
  allowedOrigin: string;
  checkIntervalMs: number;
}

/**
 * Broadcasts to rooms across every gateway instance through Redis pub/sub, admits only sockets
 * of a live session from the public origin, and holds every socket to its limits (message
 * size, command rate, pending answers) and its session before any gateway sees a command.
 */
export class RedisIoAdapter extends IoAdapter {
  private adapterConstructor: ReturnType<typeof createAdapter> | undefined;
  private readonly clients: Redis[] = [];
  private readonly logger = new Logger('sockets');
  private sweep: NodeJS.Timeout | undefined;

  constructor(
    app: INestApplicationContext,
    private readonly limits: SocketLimits,
    private readonly auth: SocketAuthSettings,
  ) {
    super(app);
  }

  async connectToRedis(redis: Redis): Promise<void> {
    const pub = redis.duplicate();
    const sub = redis.duplicate();
    this.clients.push(pub, sub);
    this.adapterConstructor = createAdapter(pub, sub);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, { ...options, maxHttpBufferSize: this.limits.maxPayloadBytes }) as Server;
    if (this.adapterConstructor) server.adapter(this.adapterConstructor);
    authenticateSockets(server, this.auth.sessions, this.auth.allowedOrigin);
    // Registered before Nest binds its gateways, so the guards run ahead of every handler:
    // limits first (a flood costs no Redis read), then the session.
    server.on('connection', (socket) => {
      guardSocket(socket, this.limits, systemClock, this.logger);
      recheckSessionOnCommands(socket, this.auth.sessions);
    });
    this.sweep = setInterval(
      () => void sweepEndedSessions(server, this.auth.sessions, this.logger),
      this.auth.checkIntervalMs,
    );
    this.sweep.unref();
    return server;
  }

  override async dispose(): Promise<void> {
    clearInterval(this.sweep);
    await super.dispose();
    await Promise.all(this.clients.map((client) => client.quit().catch(() => undefined)));
  }
}
