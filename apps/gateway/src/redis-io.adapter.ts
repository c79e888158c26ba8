import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { systemClock } from '@tocsin/domain';
import type Redis from 'ioredis';
import type { ServerOptions, Server } from 'socket.io';
import { guardSocket } from './socket-guard';
import type { SocketLimits } from './socket-limits';

/**
 * Broadcasts to rooms across every gateway instance through Redis pub/sub, and holds every
 * socket to its limits (message size, command rate, pending answers) before any gateway sees it.
 */
export class RedisIoAdapter extends IoAdapter {
  private adapterConstructor: ReturnType<typeof createAdapter> | undefined;
  private readonly clients: Redis[] = [];
  private readonly logger = new Logger('sockets');

  constructor(
    app: INestApplicationContext,
    private readonly limits: SocketLimits,
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
    // Registered before Nest binds its gateways, so the guard runs ahead of every handler.
    server.on('connection', (socket) => guardSocket(socket, this.limits, systemClock, this.logger));
    return server;
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    await Promise.all(this.clients.map((client) => client.quit().catch(() => undefined)));
  }
}
