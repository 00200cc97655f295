import { existsSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { CpuMeter } from './cpu-meter.js';

/** Spins this thread until the process has used `micros` more CPU microseconds. */
function burn(micros: number): void {
  const start = process.cpuUsage();
  let sink = 0;
  for (;;) {
    for (let i = 0; i < 100_000; i++) sink += i % 7;
    const used = process.cpuUsage(start);
    if (used.user + used.system >= micros) break;
  }
  expect(sink).toBeGreaterThan(0);
}

describe.skipIf(!existsSync('/proc/self/task'))('CpuMeter', () => {
  it('charges a thread CPU to that thread, and to this process as a whole', () => {
    const meter = CpuMeter.open(process.pid);
    if (!meter) throw new Error('/proc is readable, so the meter opens');
    meter.start();
    burn(300_000);
    meter.stop(1);
    const cpu = meter.perRequest();
    // /proc counts in 10 ms ticks: the burning thread's share is known to within a few of them.
    // Vitest may run this file on the process's main thread or on a worker thread of it.
    const [burner, other] = isMainThread ? [cpu.mainThread, cpu.busiestOtherThread] : [cpu.busiestOtherThread, cpu.mainThread];
    expect(burner).toBeGreaterThan(200_000);
    expect(other).toBeLessThan(burner);
    expect(cpu.otherThreads).toBeLessThan(burner);
    expect(cpu.thisProcess).toBeGreaterThanOrEqual(300_000);
    expect(cpu.machineBusy).toBeGreaterThan(0);
    expect(cpu.machineBusy).toBeLessThanOrEqual(1);
  });

  it('adds up intervals and divides by every request they answered', () => {
    const meter = CpuMeter.open(process.pid);
    if (!meter) throw new Error('/proc is readable, so the meter opens');
    const before = process.cpuUsage();
    for (let i = 0; i < 2; i++) {
      meter.start();
      burn(100_000);
      meter.stop(500);
    }
    const used = process.cpuUsage(before);
    const cpu = meter.perRequest();
    expect(cpu.requests).toBe(1000);
    // Both intervals' CPU, over all 1,000 requests (the moments between the intervals are negligible).
    const perRequest = (used.user + used.system) / 1000;
    expect(cpu.thisProcess).toBeGreaterThan(0.9 * perRequest);
    expect(cpu.thisProcess).toBeLessThanOrEqual(perRequest);
  });

  it('cannot meter a process that does not exist', () => {
    expect(CpuMeter.open(2 ** 30)).toBeUndefined();
  });

  it('refuses a stop without a start', () => {
    const meter = CpuMeter.open(process.pid);
    expect(() => meter?.stop(1)).toThrow('without start');
  });
});
