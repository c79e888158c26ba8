import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** What `node --cpu-prof` writes, as far as the summary reads it. */
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Resolves once `url` answers 200; throws after `timeoutMs` with the last answer. */
export async function waitHealthy(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const answer = await fetch(url).then(
      (response) => `${response.status}`,
      (error: unknown) => String(error),
    );
    if (answer === '200') return;
    last = answer;
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`${url} not healthy after ${timeoutMs} ms (last: ${last})`);
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSecondsOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Summarises the profile `node --cpu-prof` wrote in `dir`, and returns its path. */
export function printCpuProfileIn(dir: string): string {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile written in ${dir}`);
  printCpuProfileSummary(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile);
  return join(dir, file);
}

/** Prints busy self time (idle left out) per function and per file or package, as shares. */
function printCpuProfileSummary(profile: CpuProfile): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfByFunction = new Map<string, number>();
  const selfByPackage = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') return;
    const delta = profile.timeDeltas[index] ?? 0;
    const file = node.callFrame.url.replace(/^file:\/\//, '').replace(ROOT, '.') || '(native)';
    const name = `${node.callFrame.functionName || '(anonymous)'} ${file}:${node.callFrame.lineNumber + 1}`;
    selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + delta);
    const where = file.includes('node_modules/') ? file.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, '$1') : file;
    selfByPackage.set(where, (selfByPackage.get(where) ?? 0) + delta);
  });
  const total = [...selfByFunction.values()].reduce((sum, value) => sum + value, 0);
  const top = (map: Map<string, number>, count: number): void => {
    for (const [name, micros] of [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, count)) {
      console.log(`  ${((micros / total) * 100).toFixed(1).padStart(5)} %  ${name}`);
    }
  };
  console.log(`busy self time, ${(total / 1e6).toFixed(1)} s sampled — by function:`);
  top(selfByFunction, 30);
  console.log('by file or package:');
  top(selfByPackage, 25);
}
