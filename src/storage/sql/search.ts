/**
 * Search over the flattened projection, in portable SQL (`?` placeholders, which PostgreSQL
 * renumbers; the one function the backends spell differently, substring search, comes from the
 * runner's {@link SqlDialect}).
 *
 * The projection: `search_documents` (one row per searchable resource instance, with its
 * SearchRecord) and `search_values` (one row per leaf: path, list element, and a number or a
 * string), indexed by (space, path, value, doc) — a "space" being one account, region and
 * resource type. It is written in the same transaction as the entity it mirrors, so a search sees
 * exactly the committed state.
 *
 * A query runs one of three plans, chosen by counting (capped) how many leaves the most selective
 * index-usable part of its condition matches:
 * - candidates: when that part matches few documents (under sqrt(limit × documents)), read them
 *   through the value index, check the whole condition on each, sort them, cut the page;
 * - sorted walk: otherwise walk the sort path's index in order, checking the condition on each
 *   document met, until the page is full — wide filters fill a page after few steps. Documents
 *   without the sort property follow, in id order;
 * - bounded walk: when the most selective part is wide but countable (COUNT_CAP), walk at most as
 *   many rows as its candidates, and read the candidates if that did not fill the page — filters
 *   that are each wide but rarely hold together would otherwise make the walk visit everything.
 * Every plan checks the complete condition on every document, so the choice affects speed only.
 */
import type { Condition, Predicate, SearchQuery, SearchSort, ValueTest } from '../search-query.js';
import type { SqlDialect } from './dialect.js';
import type { SqlQuery } from './listing.js';

/** Runs one statement and returns its rows, and says how its backend spells things: what a backend gives the planner. */
export interface SqlRunner {
  readonly dialect: SqlDialect;
  all<T>(query: SqlQuery): Promise<T[]>;
}

/**
 * The most candidates worth reading for a page of `limit` hits among `documents`: reading c
 * candidates costs about c lookups, while walking the sort order until `limit` matches costs
 * about limit × documents / c when the condition matches c documents. They break even near
 * sqrt(limit × documents).
 */
export function candidateBudget(limit: number, documents: number): number {
  return Math.max(64, Math.ceil(Math.sqrt(limit * Math.max(documents, 1))));
}

/**
 * Conditions are counted up to this many leaves. Between the candidate budget and this, the walk
 * is tried first but may visit only as many rows as reading the candidates would cost; if that
 * does not fill the page (filters that rarely hold together), the candidates are read instead.
 * Counting is cheap next to checking: an index range, no lookups.
 */
export const COUNT_CAP = 20_000;

interface Scan {
  readonly sql: string;
  readonly params: unknown[];
}

/** The simple index scans (path range × value column) whose union is a predicate's leaves. */
function scans(d: SqlDialect, p: Predicate, a: string): Scan[] {
  const paths: Scan[] = [{ sql: `${a}.path = ?`, params: [p.target.path] }];
  if (p.target.subtree) paths.push({ sql: `${a}.path > ? AND ${a}.path < ?`, params: [`${p.target.path}.`, `${p.target.path}/`] });
  const tests = valueTests(d, p.test, a);
  const out: Scan[] = [];
  for (const path of paths) {
    for (const t of tests) out.push({ sql: `${path.sql} AND ${t.sql}`, params: [...path.params, ...t.params] });
  }
  return out;
}

function valueTests(d: SqlDialect, test: ValueTest, a: string): Scan[] {
  switch (test.kind) {
    case 'exists':
      return [
        { sql: `${a}.num IS NOT NULL`, params: [] },
        { sql: `${a}.str IS NOT NULL`, params: [] },
      ];
    case 'equals': {
      const out: Scan[] = [];
      if (test.num !== undefined) out.push({ sql: `${a}.num IS NOT NULL AND ${a}.num = ?`, params: [test.num] });
      if (test.str !== undefined) out.push({ sql: `${a}.str IS NOT NULL AND ${a}.str = ?`, params: [test.str] });
      return out;
    }
    case 'compare':
      return [{ sql: `${a}.num IS NOT NULL AND ${a}.num ${test.op} ?`, params: [test.num] }];
    case 'contains':
      return [{ sql: `${a}.str IS NOT NULL AND ${d.contains(`${a}.str`, '?')}`, params: [test.str] }];
    case 'in':
      // `IN ()` is SQLite only; an empty list matches nothing on either backend.
      if (test.strs.length === 0) return [];
      return [{ sql: `${a}.str IS NOT NULL AND ${a}.str IN (${test.strs.map(() => '?').join(', ')})`, params: [...test.strs] }];
  }
}

/** Unique table aliases for nested subqueries of one statement. */
class Aliases {
  private n = 0;
  next(): string {
    return `v${this.n++}`;
  }
}

function orOf(parts: Scan[]): Scan {
  if (parts.length === 0) return { sql: '0 = 1', params: [] };
  return { sql: `(${parts.map((p) => `(${p.sql})`).join(' OR ')})`, params: parts.flatMap((p) => p.params) };
}

/** A boolean SQL expression: does the document whose id is `doc` satisfy the condition? */
export function probeSql(d: SqlDialect, c: Condition, doc: string, aliases = new Aliases()): SqlQuery {
  switch (c.kind) {
    case 'all':
    case 'any': {
      if (c.terms.length === 0) return { sql: c.kind === 'all' ? '1 = 1' : '0 = 1', params: [] };
      const parts = c.terms.map((t) => probeSql(d, t, doc, aliases));
      const op = c.kind === 'all' ? ' AND ' : ' OR ';
      return { sql: `(${parts.map((p) => p.sql).join(op)})`, params: parts.flatMap((p) => p.params) };
    }
    case 'not': {
      const inner = probeSql(d, c.term, doc, aliases);
      return { sql: `NOT ${inner.sql}`, params: inner.params };
    }
    case 'leaf': {
      const a = aliases.next();
      const test = orOf(scans(d, c.predicate, a));
      return {
        sql: `EXISTS (SELECT 1 FROM search_values ${a} WHERE ${a}.doc_id = ${doc} AND ${test.sql}${d.probeFence})`,
        params: test.params,
      };
    }
    case 'nested': {
      const [first, ...rest] = c.predicates;
      if (!first) return { sql: '1 = 1', params: [] };
      const a = aliases.next();
      const head = orOf(scans(d, first, a));
      const params: unknown[] = [...head.params];
      let sql = `EXISTS (SELECT 1 FROM search_values ${a} WHERE ${a}.doc_id = ${doc} AND ${head.sql}`;
      for (const p of rest) {
        const b = aliases.next();
        const t = orOf(scans(d, p, b));
        sql += ` AND EXISTS (SELECT 1 FROM search_values ${b} WHERE ${b}.doc_id = ${doc} AND ${b}.elem = ${a}.elem AND ${t.sql}${d.probeFence})`;
        params.push(...t.params);
      }
      return { sql: `${sql}${d.probeFence})`, params };
    }
  }
}

/** Document ids (possibly repeated) of the leaves a predicate matches, read through the value indexes. */
function predicateDriver(d: SqlDialect, p: Predicate, space: number): SqlQuery {
  const parts = scans(d, p, 'v').map((s) => ({
    sql: `SELECT v.doc_id AS doc_id FROM search_values v WHERE v.space = ? AND ${s.sql}`,
    params: [space, ...s.params],
  }));
  return unionAll(parts);
}

/** No document ids, typed so that PostgreSQL can compare them with `doc_id` (bigint). */
const NO_DOCS: SqlQuery = { sql: 'SELECT CAST(NULL AS BIGINT) AS doc_id WHERE 0 = 1', params: [] };

function unionAll(parts: SqlQuery[]): SqlQuery {
  if (parts.length === 0) return NO_DOCS;
  return { sql: parts.map((p) => p.sql).join(' UNION ALL '), params: parts.flatMap((p) => p.params) };
}

interface Driver {
  /** Matching leaves, counted up to the cap; Infinity when the condition cannot drive. */
  readonly estimate: number;
  readonly sql?: SqlQuery;
}

const UNDRIVABLE: Driver = { estimate: Number.POSITIVE_INFINITY };

async function countLeaves(runner: SqlRunner, p: Predicate, space: number, cap: number): Promise<number> {
  let total = 0;
  for (const s of scans(runner.dialect, p, 'v')) {
    const rows = await runner.all<{ n: number }>({
      sql: `SELECT count(*) AS n FROM (SELECT 1 FROM search_values v WHERE v.space = ? AND ${s.sql} LIMIT ?) AS t`,
      params: [space, ...s.params, cap + 1],
    });
    total += rows[0]?.n ?? 0;
    if (total > cap) break;
  }
  return total;
}

/** Finds the cheapest index-driven source of candidates for a condition, if any is small enough. */
async function chooseDriver(runner: SqlRunner, c: Condition, space: number, cap: number): Promise<Driver> {
  switch (c.kind) {
    case 'leaf':
      return { estimate: await countLeaves(runner, c.predicate, space, cap), sql: predicateDriver(runner.dialect, c.predicate, space) };
    case 'nested': {
      let best = UNDRIVABLE;
      for (const p of c.predicates) {
        const n = await countLeaves(runner, p, space, cap);
        if (n < best.estimate) best = { estimate: n, sql: predicateDriver(runner.dialect, p, space) };
        if (n === 0) break;
      }
      return best;
    }
    case 'all': {
      let best = UNDRIVABLE;
      for (const t of c.terms) {
        const d = await chooseDriver(runner, t, space, cap);
        if (d.estimate < best.estimate) best = d;
        if (best.estimate === 0) break;
      }
      return best;
    }
    case 'any': {
      if (c.terms.length === 0) return { estimate: 0, sql: NO_DOCS };
      const parts: SqlQuery[] = [];
      let estimate = 0;
      for (const t of c.terms) {
        const d = await chooseDriver(runner, t, space, cap - estimate);
        if (!d.sql || d.estimate > cap - estimate) return UNDRIVABLE;
        estimate += d.estimate;
        parts.push(d.sql);
      }
      return { estimate, sql: unionAll(parts) };
    }
    case 'not':
      return UNDRIVABLE;
  }
}

function sortColumn(sort: SearchSort): 'num' | 'str' {
  return sort.type;
}

/** Plan 1: the sort path's index in order, each document checked, taken at its first (best) leaf. */
function walkRange(q: SearchQuery, space: number, a: string): SqlQuery {
  const col = sortColumn(q.sort);
  const after = q.sort.ascending ? '>' : '<';
  const where = [`${a}.space = ?`, `${a}.path = ?`, `${a}.${col} IS NOT NULL`];
  const params: unknown[] = [space, q.sort.path];
  if (q.after && q.after.value !== null) {
    where.push(`(${a}.${col} ${after} ? OR (${a}.${col} = ? AND ${a}.doc_id ${after} ?))`);
    params.push(q.after.value, q.after.value, q.after.docId);
  }
  return { sql: where.join(' AND '), params };
}

/** The first `visit` rows of the sort walk, unchecked: how far a bounded walk looks. */
function walkWindowSql(q: SearchQuery, space: number, visit: number): SqlQuery {
  const col = sortColumn(q.sort);
  const dir = q.sort.ascending ? 'ASC' : 'DESC';
  const range = walkRange(q, space, 'w');
  return {
    sql: `SELECT w.doc_id AS doc_id, w.path AS path, w.elem AS elem, w.${col} AS ${col} FROM search_values w
          WHERE ${range.sql} ORDER BY w.${col} ${dir}, w.doc_id ${dir} LIMIT ?`,
    params: [...range.params, visit],
  };
}

function sortedWalkSql(d: SqlDialect, q: SearchQuery, space: number, limit: number, visit?: number): SqlQuery {
  const col = sortColumn(q.sort);
  const dir = q.sort.ascending ? 'ASC' : 'DESC';
  const better = q.sort.ascending ? '<' : '>';
  let from = 'search_values s';
  const where: string[] = [];
  const params: unknown[] = [];
  if (visit === undefined) {
    const range = walkRange(q, space, 's');
    where.push(range.sql);
    params.push(...range.params);
  } else {
    const window = walkWindowSql(q, space, visit);
    from = `(${window.sql}) AS s`;
    params.push(...window.params);
  }
  // A document with several values at the sort path is met once per value; keep the best one only.
  where.push(`NOT EXISTS (SELECT 1 FROM search_values x WHERE x.doc_id = s.doc_id AND x.path = s.path
    AND x.${col} IS NOT NULL AND (x.${col} ${better} s.${col} OR (x.${col} = s.${col} AND x.elem < s.elem)))`);
  const probe = probeSql(d, q.condition, 's.doc_id');
  where.push(probe.sql);
  params.push(...probe.params, limit);
  return {
    sql: `SELECT s.doc_id AS doc_id, s.${col} AS sort_value FROM ${from} WHERE ${where.join(' AND ')}
          ORDER BY s.${col} ${dir}, s.doc_id ${dir} LIMIT ?`,
    params,
  };
}

/** Plan 1, second part: matching documents that have no value at the sort path, in id order. */
function missingSortValueSql(d: SqlDialect, q: SearchQuery, space: number, afterId: number | undefined, limit: number): SqlQuery {
  const col = sortColumn(q.sort);
  const dir = q.sort.ascending ? 'ASC' : 'DESC';
  const where = ['d.space = ?'];
  const params: unknown[] = [space];
  if (afterId !== undefined) {
    where.push(`d.id ${q.sort.ascending ? '>' : '<'} ?`);
    params.push(afterId);
  }
  where.push(`NOT EXISTS (SELECT 1 FROM search_values x WHERE x.doc_id = d.id AND x.path = ? AND x.${col} IS NOT NULL)`);
  params.push(q.sort.path);
  const probe = probeSql(d, q.condition, 'd.id');
  where.push(probe.sql);
  params.push(...probe.params, limit);
  return {
    sql: `SELECT d.id AS doc_id, NULL AS sort_value FROM search_documents d WHERE ${where.join(' AND ')}
          ORDER BY d.id ${dir} LIMIT ?`,
    params,
  };
}

/** Plan 2: candidates from a driver, checked, given their sort value, sorted (value-less last). */
function candidatesSql(d: SqlDialect, q: SearchQuery, driver: SqlQuery, limit: number): SqlQuery {
  const col = sortColumn(q.sort);
  const dir = q.sort.ascending ? 'ASC' : 'DESC';
  const agg = q.sort.ascending ? 'min' : 'max';
  const probe = probeSql(d, q.condition, 'k.doc_id');
  const params: unknown[] = [q.sort.path, ...driver.params, ...probe.params];
  let keyset = '';
  if (q.after) {
    const op = q.sort.ascending ? '>' : '<';
    if (q.after.value === null) {
      keyset = `WHERE c.sort_value IS NULL AND c.doc_id ${op} ?`;
      params.push(q.after.docId);
    } else {
      keyset = `WHERE (c.sort_value IS NULL OR c.sort_value ${op} ? OR (c.sort_value = ? AND c.doc_id ${op} ?))`;
      params.push(q.after.value, q.after.value, q.after.docId);
    }
  }
  params.push(limit);
  return {
    sql: `SELECT c.doc_id AS doc_id, c.sort_value AS sort_value FROM (
            SELECT k.doc_id AS doc_id,
              (SELECT ${agg}(x.${col}) FROM search_values x WHERE x.doc_id = k.doc_id AND x.path = ? AND x.${col} IS NOT NULL) AS sort_value
            FROM (SELECT DISTINCT u.doc_id AS doc_id FROM (${driver.sql}) AS u) AS k
            WHERE ${probe.sql}
          ) AS c ${keyset}
          ORDER BY (CASE WHEN c.sort_value IS NULL THEN 1 ELSE 0 END), c.sort_value ${dir}, c.doc_id ${dir} LIMIT ?`,
    params,
  };
}

export const SEARCH_SPACE_SQL = 'SELECT id, documents FROM search_spaces WHERE account = ? AND region = ? AND resource = ?';

interface Row {
  doc_id: number;
  sort_value: number | string | null;
}

/** Runs a search: finds the hits of one page (ids and sort values), in order. */
export async function searchPage(runner: SqlRunner, q: SearchQuery): Promise<{ docId: number; value: number | string | null }[]> {
  const found = (await runner.all<{ id: number; documents: number }>({ sql: SEARCH_SPACE_SQL, params: [q.scope.account, q.scope.region, q.resource] }))[0];
  if (found === undefined) return [];
  const space = found.id;
  const budget = candidateBudget(q.limit, found.documents);
  const driver = q.plan === 'walk' ? UNDRIVABLE : await chooseDriver(runner, q.condition, space, COUNT_CAP);
  const candidates = (): Promise<Row[]> => runner.all<Row>(candidatesSql(runner.dialect, q, driver.sql as SqlQuery, q.limit));
  const inMissingSection = q.after?.value === null;
  if (driver.sql && ((driver.estimate <= budget && q.plan !== 'bounded') || q.plan === 'candidates' || (inMissingSection && driver.estimate <= COUNT_CAP))) {
    return toHits(await candidates());
  }
  let rows: Row[] = [];
  if (!inMissingSection) {
    if (driver.sql && driver.estimate <= COUNT_CAP) {
      // A bounded walk: no more rows than the candidates would cost, else read the candidates.
      // (Forced 'bounded' plans look at fewer rows, so tests reach every branch on small data.)
      const visit = q.plan === 'bounded' ? Math.max(1, Math.ceil(driver.estimate / 2)) : driver.estimate;
      rows = await runner.all<Row>(sortedWalkSql(runner.dialect, q, space, q.limit, visit));
      if (rows.length < q.limit) {
        const window = walkWindowSql(q, space, visit);
        const seen = (await runner.all<{ n: number }>({ sql: `SELECT count(*) AS n FROM (${window.sql}) AS t`, params: window.params }))[0]?.n ?? 0;
        if (seen >= visit) return toHits(await candidates());
      }
    } else {
      rows = await runner.all<Row>(sortedWalkSql(runner.dialect, q, space, q.limit));
    }
  }
  if (rows.length < q.limit) {
    const afterId = inMissingSection ? q.after?.docId : undefined;
    rows = rows.concat(await runner.all<Row>(missingSortValueSql(runner.dialect, q, space, afterId, q.limit - rows.length)));
  }
  return toHits(rows);
}

function toHits(rows: Row[]): { docId: number; value: number | string | null }[] {
  return rows.map((r) => ({ docId: r.doc_id, value: r.sort_value }));
}
