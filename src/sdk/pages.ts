/** Following NextTokens: every list in the SDK reads all pages, lazily. */

export interface Page<T> {
  readonly items: readonly T[] | undefined;
  readonly nextToken: string | undefined;
}

/** Yields every item of every page; `fetch` is called with the previous page's token. */
export async function* allPages<T>(fetch: (nextToken: string | undefined) => Promise<Page<T>>, firstToken?: string): AsyncGenerator<T> {
  let token = firstToken;
  do {
    const page = await fetch(token);
    for (const item of page.items ?? []) yield item;
    token = page.nextToken;
  } while (token);
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Maps with at most `limit` calls in flight, keeping the input order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** Order-preserving uniqueness by a key (the fix for the Python SDK's dedupe-while-iterating). */
export function uniqueBy<T>(items: Iterable<T>, key: (item: T) => string): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(item);
  }
  return out;
}
