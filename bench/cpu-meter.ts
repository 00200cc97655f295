/**
 * Where a benchmark run's CPU went: each thread of a metered process (a server, or the benchmark's
 * own), this process as a whole (the load generator, when it meters a server) and the machine.
 * With the load generator and the server on the same small machine, requests per second are
 * bounded by the CPU one request costs all of them together: this shows that cost, thread by
 * thread, and how busy the machine was while the figure was measured.
 *
 * Linux only: it reads /proc. Elsewhere {@link CpuMeter.open} returns undefined and the report
 * leaves the table out.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Clock ticks per second in /proc (USER_HZ): 100 on every Linux architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/** CPU ticks (user + system) of each thread of a process, by thread id. */
function threadTicks(pid: number): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
    } catch {
      continue; // The thread ended between the listing and the read.
    }
    // The name before the fields is in parentheses and may hold spaces: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks.set(Number(tid), Number(fields[11]) + Number(fields[12]));
  }
  return ticks;
}

/** Busy and total ticks of all the machine's CPUs. */
function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0] as string;
  // cpu  user nice system idle iowait irq softirq steal …
  const field = line.trim().split(/\s+/).map(Number);
  const at = (i: number): number => field[i] ?? 0;
  const busy = at(1) + at(2) + at(3) + at(6) + at(7) + at(8);
  return { busy, total: busy + at(4) + at(5) };
}

/** CPU microseconds per request, and how busy the machine was meanwhile. */
export interface CpuPerRequest {
  readonly requests: number;
  /** The metered process's main thread: in `stemma serve`, the socket thread. */
  readonly mainThread: number;
  /** Its busiest other thread: in the threaded server, the application thread. */
  readonly busiestOtherThread: number;
  /** All its remaining threads together (the checkpointer, V8's and libuv's helpers). */
  readonly otherThreads: number;
  /** This process, every thread of it: the load generator when the metered process is a server. */
  readonly thisProcess: number;
  /** The machine's CPUs were busy this share of the measured time (0–1), counting every process. */
  readonly machineBusy: number;
  readonly cores: number;
}

/**
 * Accumulates the CPU of measured intervals (several chunks of one run add up). Tick counts are
 * coarse (10 ms), so intervals should hold thousands of requests.
 */
export class CpuMeter {
  private readonly threads = new Map<number, number>();
  private own = 0;
  private busy = 0;
  private total = 0;
  private requests = 0;
  private started: { threads: Map<number, number>; own: NodeJS.CpuUsage; machine: { busy: number; total: number } } | undefined;

  private readonly pid: number;

  private constructor(pid: number) {
    this.pid = pid;
  }

  /** A meter for the threads of process `pid`; undefined where /proc cannot be read. */
  static open(pid: number): CpuMeter | undefined {
    try {
      threadTicks(pid);
      machineTicks();
      return new CpuMeter(pid);
    } catch {
      return undefined;
    }
  }

  start(): void {
    this.started = { threads: threadTicks(this.pid), own: process.cpuUsage(), machine: machineTicks() };
  }

  /** Ends the interval begun by {@link start}, in which `requests` requests were answered. */
  stop(requests: number): void {
    const started = this.started;
    if (!started) throw new Error('CpuMeter.stop() without start().');
    this.started = undefined;
    const own = process.cpuUsage(started.own);
    const machine = machineTicks();
    for (const [tid, ticks] of threadTicks(this.pid)) {
      const spent = ticks - (started.threads.get(tid) ?? 0);
      this.threads.set(tid, (this.threads.get(tid) ?? 0) + spent);
    }
    this.own += own.user + own.system;
    this.busy += machine.busy - started.machine.busy;
    this.total += machine.total - started.machine.total;
    this.requests += requests;
  }

  perRequest(): CpuPerRequest {
    const microsPerTick = 1e6 / TICKS_PER_SECOND;
    const per = (ticks: number): number => (ticks * microsPerTick) / this.requests;
    const others = [...this.threads].filter(([tid]) => tid !== this.pid).map(([, ticks]) => ticks);
    const busiest = Math.max(0, ...others);
    return {
      requests: this.requests,
      mainThread: per(this.threads.get(this.pid) ?? 0),
      busiestOtherThread: per(busiest),
      otherThreads: per(others.reduce((a, b) => a + b, 0) - busiest),
      thisProcess: this.own / this.requests,
      machineBusy: this.total > 0 ? this.busy / this.total : 0,
      cores: cpus().length,
    };
  }
}
