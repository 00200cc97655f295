/** The source of "now" for every timestamp Stemma records; injectable so tests can pin time. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Wire timestamps are epoch seconds with a fractional part (AWS JSON 1.1). */
export function toEpochSeconds(ms: number): number {
  return ms / 1000;
}

export function fromEpochSeconds(seconds: number): number {
  return Math.round(seconds * 1000);
}

/** An optional wire timestamp (a filter bound) as milliseconds; absent stays absent. */
export function fromOptionalEpochSeconds(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : fromEpochSeconds(seconds);
}
