import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Lowest port handed out: clear of the well-known and registered services tests start. */
const LOWEST_PORT = 20_000;

/** The OS's ephemeral port range; Linux's default where it cannot be read. */
function ephemeralPorts(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low !== undefined && high !== undefined && low > 0 && high >= low) return [low, high];
  } catch {
    // Not Linux: assume its default.
  }
  return [32_768, 60_999];
}

function canListen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/**
 * A TCP port free right now on 127.0.0.1, for an app that must be told its port in advance. It
 * lies below the OS's ephemeral range, so nothing else takes it before the app listens: another
 * process listening on port 0, or an outgoing connection, gets its port from that range (an
 * alerter's health server once took a gateway's port that way, between this call and its listen).
 */
export async function freePort(): Promise<number> {
  const [ephemeralLow] = ephemeralPorts();
  const span = ephemeralLow - LOWEST_PORT;
  if (span < 1_000) {
    throw new Error(`the ephemeral port range starts at ${ephemeralLow}: no room below it for test ports`);
  }
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = LOWEST_PORT + Math.floor(Math.random() * span);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port found between ${LOWEST_PORT} and ${ephemeralLow - 1} in 100 tries`);
}
