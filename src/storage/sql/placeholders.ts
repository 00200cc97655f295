/**
 * The shared SQL is written with SQLite's `?` placeholders. PostgreSQL numbers its parameters
 * (`$1`, `$2`, …), so its backend renumbers each statement once, here, before preparing it.
 */

/**
 * Replaces every `?` placeholder with `$1…$n`, in order. Question marks inside quoted strings or
 * quoted identifiers are text, not placeholders, and stay as they are. (The shared SQL must not use
 * PostgreSQL's `?` JSON operators, which this cannot tell apart from placeholders.)
 */
export function numberPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  let quote: string | undefined;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = undefined;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      out += `$${++n}`;
    } else {
      out += ch;
    }
  }
  return out;
}
