import { WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { ReplyQueueEvent } from '@tocsin/reply-queue';
import type { Server } from 'socket.io';
import { brandRoom, type ClientToServerEvents, type ServerToClientEvents, type SocketData } from './socket-events';

/** Reply-queue facts to the brand's watchers: an entry entered, left, or went past its deadline. */
@WebSocketGateway({ transports: ['websocket', 'polling'] })
export class ReplyQueueGateway {
  @WebSocketServer()
  server!: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

  broadcast(event: ReplyQueueEvent): void {
    this.server.to(brandRoom(event.entry.brandId)).emit(event.kind, event);
  }
}
