/**
 * Runs async work strictly one piece after another. better-sqlite3 connections are synchronous,
 * but store callers await between statements; without this, two transactions would interleave
 * their statements on one connection.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
