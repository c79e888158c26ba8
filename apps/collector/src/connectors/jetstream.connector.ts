import {
  jetstreamSubscribeUrl,
  parseRetryAfterMs,
  readBlueskyProfiles,
  readJetstreamFrame,
  type BlueskyProfile,
  type JetstreamSource,
} from '@tocsin/sources';
import WebSocket from 'ws';
import { z } from 'zod';
import {
  SourceUnavailableError,
  type ReadItem,
  type SessionContext,
  type SessionEnd,
  type SourceConnector,
} from './source-connector';

/** `cursorUs` 0: nothing with a time read yet, so the next session starts from now. */
export const jetstreamPositionSchema = z.object({ cursorUs: z.number().int().nonnegative() });
export type JetstreamPosition = z.infer<typeof jetstreamPositionSchema>;

/** Frames are delivered in batches this often, or sooner when this many are waiting. */
const FLUSH_EVERY_MS = 200;
const FLUSH_AT_FRAMES = 500;
/** Above this many frames waiting, the socket is paused until a delivery catches up. */
const PAUSE_AT_FRAMES = 5_000;
const PROFILE_CACHE_SIZE = 10_000;
/** app.bsky.actor.getProfiles takes at most 25 actors per call. */
const PROFILES_PER_CALL = 25;
const PROFILE_TIMEOUT_MS = 3_000;
const CLOSE_GRACE_MS = 2_000;
/**
 * Jetstream emits events slightly out of time order, and its documentation asks a resuming
 * client to start a few seconds before its last `time_us`: the posts of those seconds come
 * again and the pipeline drops the ones it already has (by mention key).
 */
export const RESUME_REWIND_US = 3_000_000;

/**
 * Bluesky posts from a Jetstream instance over WebSocket. Resumes a few seconds before the
 * checkpointed `time_us` cursor, which is the latest event time delivered. Authors' handles come from identity events or, for the posts kept,
 * from one getProfiles call per unknown author, cached; a failed lookup leaves the DID.
 */
export class JetstreamConnector implements SourceConnector<JetstreamPosition> {
  readonly positionSchema = jetstreamPositionSchema;
  private readonly profiles = new Map<string, BlueskyProfile>();

  constructor(private readonly source: JetstreamSource) {}

  runSession(context: SessionContext<JetstreamPosition>): Promise<SessionEnd> {
    const { signal, status } = context;
    const resumeUs = context.position?.cursorUs ? Math.max(1, context.position.cursorUs - RESUME_REWIND_US) : undefined;
    const socket = new WebSocket(jetstreamSubscribeUrl(this.source.url, resumeUs), {
      handshakeTimeout: 10_000,
    });
    let cursorUs = context.position?.cursorUs ?? 0;
    let frames: string[] = [];
    let delivering: Promise<void> = Promise.resolve();
    let failure: Error | undefined;
    let flushTimer: NodeJS.Timeout | undefined;
    let idleTimer: NodeJS.Timeout | undefined;

    const flush = (): void => {
      clearTimeout(flushTimer);
      flushTimer = undefined;
      if (frames.length === 0) return;
      const taken = frames;
      frames = [];
      delivering = delivering
        .then(async () => {
          if (failure) return;
          const items: ReadItem[] = [];
          let lastUs = cursorUs;
          for (const raw of taken) {
            const frame = readJetstreamFrame(raw, {
              nowMs: context.clock.now(),
              maxFutureSkewMs: context.maxFutureSkewMs,
            });
            if (frame.kind === 'malformed') {
              items.push({ item: { kind: 'malformed', reason: frame.reason }, raw });
              continue;
            }
            lastUs = Math.max(lastUs, frame.timeUs);
            if (frame.kind === 'identity' && frame.handle) this.remember({ did: frame.did, handle: frame.handle });
            else if (frame.kind === 'item') items.push({ item: frame.item, raw });
          }
          await this.attachAuthors(items);
          if (lastUs > cursorUs || items.length > 0) {
            await context.deliver({ items, position: { cursorUs: Math.max(lastUs, cursorUs) } });
            cursorUs = Math.max(lastUs, cursorUs);
          }
          if (socket.isPaused && frames.length < PAUSE_AT_FRAMES) socket.resume();
        })
        .catch((error: unknown) => {
          failure = error instanceof Error ? error : new Error(String(error));
          socket.terminate();
        });
    };

    const resetIdle = (): void => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        failure ??= new SourceUnavailableError(
          `no event for ${this.source.reconnectAfterSilence} ms: reconnecting a silent socket`,
        );
        socket.terminate();
      }, this.source.reconnectAfterSilence);
    };

    return new Promise<SessionEnd>((resolve, reject) => {
      const onAbort = (): void => {
        socket.close(1000, 'collector stopping');
        // ws waits 30 s for the server's close frame; a hand-over should not.
        setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      socket.on('unexpected-response', (_request, response) => {
        const retryAfterMs = parseRetryAfterMs(
          response.headers['retry-after'] as string | undefined,
          context.clock.now(),
        );
        failure = new SourceUnavailableError(
          `Jetstream answered HTTP ${response.statusCode} to the upgrade`,
          retryAfterMs,
        );
        response.resume();
        socket.terminate();
      });
      socket.on('open', () => {
        status.enter('reading', context.clock.now());
        resetIdle();
      });
      socket.on('message', (data, isBinary) => {
        resetIdle();
        // Jetstream sends JSON text frames; a binary frame would be zstd, which is not asked for.
        frames.push(isBinary ? `(binary frame of ${Buffer.byteLength(data as Buffer)} bytes)` : data.toString());
        if (frames.length >= PAUSE_AT_FRAMES) socket.pause();
        if (frames.length >= FLUSH_AT_FRAMES) flush();
        else flushTimer ??= setTimeout(flush, FLUSH_EVERY_MS);
      });
      socket.on('error', (error) => {
        failure ??= new SourceUnavailableError(`Jetstream connection failed: ${error.message}`, undefined, {
          cause: error,
        });
      });
      socket.on('close', (code) => {
        clearTimeout(idleTimer);
        signal.removeEventListener('abort', onAbort);
        // What arrived before the close is still delivered: the cursor then moves past it.
        flush();
        void delivering.then(() => {
          if (failure) reject(failure);
          else if (signal.aborted) resolve({ nextSessionInMs: 0 });
          else reject(new SourceUnavailableError(`Jetstream closed the connection (code ${code})`));
        });
      });
    });
  }

  private remember(profile: BlueskyProfile): void {
    this.profiles.delete(profile.did);
    this.profiles.set(profile.did, profile);
    if (this.profiles.size > PROFILE_CACHE_SIZE) {
      const oldest = this.profiles.keys().next().value;
      if (oldest !== undefined) this.profiles.delete(oldest);
    }
  }

  /** Gives kept posts their author's handle, name and followers from the cache or the AppView. */
  private async attachAuthors(items: ReadItem[]): Promise<void> {
    const posts = items.flatMap(({ item }) => (item.kind === 'mention' ? [item.mention] : []));
    if (posts.length === 0) return;
    const unknown = [
      ...new Set(posts.map((post) => post.author.id).filter((did) => this.profiles.get(did)?.followers === undefined)),
    ];
    if (this.source.profilesUrl && unknown.length > 0) await this.lookUpProfiles(this.source.profilesUrl, unknown);
    for (const post of posts) {
      const profile = this.profiles.get(post.author.id);
      if (!profile) continue;
      post.author = {
        id: profile.did,
        handle: `@${profile.handle}`,
        ...(profile.name ? { name: profile.name } : {}),
        ...(profile.followers === undefined ? {} : { followers: profile.followers }),
      };
    }
  }

  private async lookUpProfiles(profilesUrl: string, dids: string[]): Promise<void> {
    for (let start = 0; start < dids.length; start += PROFILES_PER_CALL) {
      const url = new URL('/xrpc/app.bsky.actor.getProfiles', profilesUrl);
      for (const did of dids.slice(start, start + PROFILES_PER_CALL)) url.searchParams.append('actors', did);
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(PROFILE_TIMEOUT_MS) });
        const profiles = response.ok ? readBlueskyProfiles(await response.json()) : undefined;
        for (const profile of profiles ?? []) this.remember(profile);
      } catch {
        // Handles are a courtesy: the post is delivered with its DID rather than held back.
        return;
      }
    }
  }
}
