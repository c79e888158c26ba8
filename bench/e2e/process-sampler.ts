import { readFileSync } from 'node:fs';

/** Linux reports process CPU time in clock ticks; 100 per second on every mainstream kernel build. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcessUsage {
  /** Share of one core used over the span, in percent (200 = two cores busy). */
  cpuPercent: number;
  /** Resident set at the end of the span, MiB. */
  rssMiB: number;
}

interface Reading {
  cpuTicks: number;
  rssMiB: number;
  atMs: number;
}

/** CPU ticks and RSS of a live process; undefined once it is gone. */
function readProcess(pid: number): Reading | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name, which may itself hold spaces, start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return {
      cpuTicks: Number(fields[11]) + Number(fields[12]),
      rssMiB: Math.round((rssKiB / 1024) * 10) / 10,
      atMs: performance.now(),
    };
  } catch {
    return undefined;
  }
}

/** CPU and RSS of named processes between two instants, read from /proc (Linux only). */
export class ProcessSampler {
  private start = new Map<string, Reading>();

  constructor(private readonly pids: () => ReadonlyMap<string, number>) {}

  begin(): void {
    this.start = new Map();
    for (const [name, pid] of this.pids()) {
      const reading = readProcess(pid);
      if (reading) this.start.set(name, reading);
    }
  }

  end(): Record<string, ProcessUsage> {
    const usage: Record<string, ProcessUsage> = {};
    for (const [name, pid] of this.pids()) {
      const begun = this.start.get(name);
      const now = readProcess(pid);
      if (!begun || !now) continue;
      const seconds = (now.atMs - begun.atMs) / 1000;
      const cpuSeconds = (now.cpuTicks - begun.cpuTicks) / CLOCK_TICKS_PER_SECOND;
      usage[name] = { cpuPercent: Math.round((cpuSeconds / seconds) * 100), rssMiB: now.rssMiB };
    }
    return usage;
  }
}
