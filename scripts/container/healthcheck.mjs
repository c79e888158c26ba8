// Container health check: exits 0 when the URL answers 2xx within 4 s, 1 otherwise. The runtime
// image has no curl; Node's own fetch does the job.
//   node scripts/container/healthcheck.mjs http://127.0.0.1:3000/health
const url = process.argv[2];
if (!url) {
  console.error('usage: node scripts/container/healthcheck.mjs URL');
  process.exit(64);
}
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(4_000) });
  if (!response.ok) console.error(`${url}: HTTP ${response.status} ${await response.text()}`);
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  console.error(`${url}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
