import { existsSync } from 'node:fs';
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
  it('charges a thread CPU to that thread, and this process as the load generator', () => {
    const meter = CpuMeter.open(process.pid);
    if (!meter) throw new Error('/proc is readable, so the meter opens');
    meter.start();
    burn(300_000);
    meter.stop(1);
    const cpu = meter.perRequest();
    // /proc counts in 10 ms ticks: the main thread's share is known to within a few of them.
    expect(cpu.serverMain).toBeGreaterThan(200_000);
    expect(cpu.serverBusiest).toBeLessThan(cpu.serverMain);
    expect(cpu.loadGenerator).toBeGreaterThanOrEqual(300_000);
    expect(cpu.total).toBeCloseTo(cpu.serverMain + cpu.serverBusiest + cpu.serverRest + cpu.loadGenerator, 6);
    expect(cpu.machineBusy).toBeGreaterThan(0);
    expect(cpu.machineBusy).toBeLessThanOrEqual(1);
  });

  it('adds up intervals and divides by every request they answered', () => {
    const meter = CpuMeter.open(process.pid);
    if (!meter) throw new Error('/proc is readable, so the meter opens');
    for (let i = 0; i < 2; i++) {
      meter.start();
      burn(100_000);
      meter.stop(500);
    }
    const cpu = meter.perRequest();
    expect(cpu.requests).toBe(1000);
    // 200 ms of CPU over 1,000 requests: about 200 µs each.
    expect(cpu.loadGenerator).toBeGreaterThanOrEqual(200);
    expect(cpu.loadGenerator).toBeLessThan(400);
  });

  it('cannot meter a process that does not exist', () => {
    expect(CpuMeter.open(2 ** 30)).toBeUndefined();
  });

  it('refuses a stop without a start', () => {
    const meter = CpuMeter.open(process.pid);
    expect(() => meter?.stop(1)).toThrow('without start');
  });
});
