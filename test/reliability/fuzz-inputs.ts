/**
 * Invalid requests for any SageMaker operation, generated from the API model's validation table
 * (src/api/generated/schema.ts), the same table the server validates with.
 *
 * Each operation gets a smallest valid request (required members only, each value chosen to meet
 * its constraints); a request that breaks exactly one thing in it (a wrong JSON type, a missing
 * required member, a string too long or short or off its pattern or enum, a number out of range, a
 * list or map of the wrong size, a broken union) is certainly invalid, so the server must refuse
 * it. Other inputs (random bytes, random JSON, deep nesting, forged NextTokens) may or may not be
 * valid; of those only a server fault or a write on refusal is a failure.
 */
import fc from 'fast-check';
import { operations, shapes } from '../../src/api/generated/schema.js';
import type { ShapeSchema, StringSchema } from '../../src/api/validation/shape-schema.js';

export interface FuzzCase {
  /** What kind of input this is, for the summary and failure messages. */
  readonly kind: string;
  readonly body: string | Buffer;
  /** true: the input breaks the model, so the server must answer 4xx. */
  readonly mustReject: boolean;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly (string | number)[];

interface MemberSite {
  readonly path: Path;
  readonly shape: string;
  readonly required: boolean;
  /** Whether a value is there in the valid request (else the member is an absent optional one). */
  readonly present: boolean;
}

function shape(name: string): ShapeSchema {
  const s = shapes[name];
  if (!s) throw new Error(`The validation table has no shape ${name}.`);
  return s;
}

export function inputShapeOf(operation: string): string {
  const op = operations[operation];
  if (!op) throw new Error(`The validation table has no operation ${operation}.`);
  return op.input;
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function regexOf(s: StringSchema): RegExp | undefined {
  const source = s.regex ?? s.pattern;
  return source === undefined ? undefined : new RegExp(source, s.flags ?? 'u');
}

function lengthOk(s: StringSchema, text: string): boolean {
  const n = codePoints(text);
  return n >= (s.length?.min ?? 0) && n <= (s.length?.max ?? Infinity);
}

/** Strings tried for a pattern fast-check cannot generate from (lookbehinds and the like). */
const FALLBACK_STRINGS = ['a', 'abc', 'name-1', 'Name1', 's3://bucket/key', 'https://example.com/x', '1'];

const validStrings = new Map<string, string>();

function validString(name: string, s: StringSchema, seed: number): string {
  const cached = validStrings.get(name);
  if (cached !== undefined) return cached;
  const re = regexOf(s);
  const min = s.length?.min ?? 0;
  const ok = (t: string): boolean => lengthOk(s, t) && (re === undefined || re.test(t));
  let found: string | undefined = s.enum?.[0];
  if (found === undefined && re === undefined) found = 'x'.repeat(Math.max(1, min));
  if (found === undefined) found = FALLBACK_STRINGS.find(ok);
  if (found === undefined) {
    try {
      found = fc.sample(fc.stringMatching(re as RegExp), { seed, numRuns: 300 }).find(ok);
    } catch {
      found = undefined;
    }
  }
  // Nothing valid found: the request stays invalid, which only makes it a weaker base.
  const value = found ?? 'x'.repeat(Math.max(1, min));
  validStrings.set(name, value);
  return value;
}

/** The smallest valid value of a shape: required members only, lists and maps at their minimum size. */
export function validValue(name: string, seed: number, depth = 0): Json {
  const s = shape(name);
  switch (s.t) {
    case 'structure': {
      const out: Record<string, Json> = {};
      for (const [member, m] of Object.entries(s.members)) if (m.required) out[member] = validValue(m.target, seed, depth + 1);
      return out;
    }
    case 'union': {
      const first = Object.entries(s.members)[0];
      return first ? { [first[0]]: validValue(first[1].target, seed, depth + 1) } : {};
    }
    case 'list':
      return Array.from({ length: s.length?.min ?? 0 }, () => validValue(s.member, seed, depth + 1));
    case 'map': {
      const out: Record<string, Json> = {};
      const key = mapKey(s.key, seed);
      for (let i = 0; i < (s.length?.min ?? 0); i++) out[`${key}${i === 0 ? '' : i}`] = validValue(s.value, seed, depth + 1);
      return out;
    }
    case 'string':
      return validString(name, s, seed);
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      if (s.enum?.[0] !== undefined) return s.enum[0];
      return Math.max(s.range?.min ?? 1, Math.min(1, s.range?.max ?? 1));
    case 'blob':
      return Buffer.alloc(Math.max(1, s.length?.min ?? 1), 7).toString('base64');
    case 'boolean':
      return true;
    case 'timestamp':
      return 1_700_000_000;
    case 'document':
      return {};
  }
}

/** A valid map key: keys are strings in JSON, whatever the model's key shape. */
function mapKey(name: string, seed: number): string {
  const key = validValue(name, seed);
  return typeof key === 'string' ? key : JSON.stringify(key);
}

/** Every member of every structure present in `value`, including absent optional ones. */
function memberSites(name: string, value: Json, path: Path, out: MemberSite[]): void {
  const s = shape(name);
  if (s.t === 'structure' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [member, m] of Object.entries(s.members)) {
      const present = value[member] !== undefined;
      out.push({ path: [...path, member], shape: m.target, required: m.required === true, present });
      if (present) memberSites(m.target, value[member] as Json, [...path, member], out);
    }
  } else if (s.t === 'union' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [member, m] of Object.entries(s.members)) {
      if (value[member] !== undefined) {
        out.push({ path: [...path, member], shape: m.target, required: true, present: true });
        memberSites(m.target, value[member], [...path, member], out);
      }
    }
  } else if (s.t === 'list' && Array.isArray(value) && value.length > 0) {
    out.push({ path: [...path, 0], shape: s.member, required: true, present: true });
    memberSites(s.member, value[0] as Json, [...path, 0], out);
  }
}

function setAt(root: Json, path: Path, value: Json | undefined): Json {
  const copy = structuredClone(root);
  let node = copy as Record<string | number, Json>;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, Json>;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

const WRONG_TYPES: Readonly<Record<string, readonly Json[]>> = {
  structure: ['text', 7, [], true],
  union: ['text', 7, []],
  list: [{}, 'text', 7],
  map: [[], 'text', 7],
  string: [7, true, {}, ['text']],
  integer: ['7', true, {}],
  long: ['7', false, []],
  float: ['seven', true, {}],
  double: ['seven', false, []],
  boolean: ['true', 1, {}],
  timestamp: ['yesterday', true, {}],
  blob: [7, '*not base64*', {}],
  document: [],
};

/** Values certainly invalid for a shape, each with a label naming what is wrong. */
const invalidCache = new Map<string, fc.Arbitrary<readonly [string, Json]>>();

function invalidValues(name: string, seed: number): fc.Arbitrary<readonly [string, Json]> {
  let arbitrary = invalidCache.get(name);
  if (!arbitrary) {
    arbitrary = invalidValuesOf(name, seed);
    invalidCache.set(name, arbitrary);
  }
  return arbitrary;
}

function invalidValuesOf(name: string, seed: number): fc.Arbitrary<readonly [string, Json]> {
  const s = shape(name);
  const choices: fc.Arbitrary<readonly [string, Json]>[] = [];
  const wrong = WRONG_TYPES[s.t] ?? [];
  if (wrong.length > 0) choices.push(fc.constantFrom(...wrong).map((v) => ['wrong type', v] as const));
  switch (s.t) {
    case 'string': {
      const max = s.length?.max;
      const min = s.length?.min ?? 0;
      if (max !== undefined) choices.push(fc.integer({ min: 1, max: 64 }).map((extra) => ['too long', 'x'.repeat(max + extra)] as const));
      if (min > 0) choices.push(fc.integer({ min: 0, max: min - 1 }).map((n) => ['too short', 'y'.repeat(n)] as const));
      const re = regexOf(s);
      if (s.enum) {
        const allowed = new Set(s.enum);
        choices.push(fc.string({ minLength: 1, maxLength: 20 }).filter((t) => !allowed.has(t)).map((t) => ['bad enum', t] as const));
      } else if (re !== undefined) {
        // Only patterns that some strings break (".*" does not): look among random strings for some.
        const offPattern = fc
          .sample(fc.string({ unit: 'binary', maxLength: Math.min(max ?? 40, 40) }), { seed, numRuns: 200 })
          .filter((t) => !re.test(t));
        if (offPattern.length > 0) choices.push(fc.constantFrom(...offPattern).map((t) => ['bad pattern', t] as const));
      }
      break;
    }
    case 'integer':
    case 'long':
    case 'float':
    case 'double': {
      const { min, max } = s.range ?? {};
      if (max !== undefined) choices.push(fc.integer({ min: 1, max: 1000 }).map((d) => ['above range', max + d] as const));
      if (min !== undefined) choices.push(fc.integer({ min: 1, max: 1000 }).map((d) => ['below range', min - d] as const));
      if (s.t === 'integer' || s.t === 'long') choices.push(fc.constant(['not an integer', 1.5] as const));
      if (s.t === 'integer') choices.push(fc.constant(['beyond 32 bits', 2 ** 31] as const));
      if (s.enum) choices.push(fc.integer().filter((n) => !s.enum?.includes(n)).map((n) => ['bad enum', n] as const));
      break;
    }
    case 'list': {
      const max = s.length?.max;
      const min = s.length?.min ?? 0;
      const element = validValue(s.member, seed);
      if (max !== undefined && max <= 10_000) choices.push(fc.constant(['too many elements', Array.from({ length: max + 1 }, () => element)] as const));
      if (min > 0) choices.push(fc.constant(['too few elements', []] as const));
      choices.push(fc.constant(['null element', [null]] as const));
      break;
    }
    case 'map': {
      const max = s.length?.max;
      const value = validValue(s.value, seed);
      const key = mapKey(s.key, seed);
      if (max !== undefined && max <= 10_000) {
        choices.push(fc.constant(['too many entries', Object.fromEntries(Array.from({ length: max + 1 }, (_, i) => [`${key}${i}`, value]))] as const));
      }
      choices.push(fc.constant(['null map value', { [key]: null }] as const));
      break;
    }
    case 'union': {
      const members = Object.entries(s.members);
      choices.push(fc.constant(['empty union', {}] as const));
      const [a, b] = members;
      if (a && b) choices.push(fc.constant(['two union members', { [a[0]]: validValue(a[1].target, seed), [b[0]]: validValue(b[1].target, seed) }] as const));
      break;
    }
    default:
      break;
  }
  return fc.oneof(...choices);
}

/** Requests that break exactly one thing of the operation's smallest valid request. */
function mutatedRequests(operation: string, seed: number): fc.Arbitrary<FuzzCase> {
  const input = inputShapeOf(operation);
  const base = validValue(input, seed);
  const sites: MemberSite[] = [];
  memberSites(input, base, [], sites);
  const mutations: fc.Arbitrary<FuzzCase>[] = [];
  const required = sites.filter((s) => s.required && s.present && typeof s.path[s.path.length - 1] === 'string');
  if (required.length > 0) {
    mutations.push(
      fc.constantFrom(...required).chain((site) =>
        fc.constantFrom(
          { kind: 'missing required', body: JSON.stringify(setAt(base, site.path, undefined)), mustReject: true },
          { kind: 'null required', body: JSON.stringify(setAt(base, site.path, null)), mustReject: true },
        ),
      ),
    );
  }
  const broken = sites.filter((s) => shape(s.shape).t !== 'document');
  if (broken.length > 0) {
    mutations.push(
      fc
        .constantFrom(...broken)
        .chain((site) => invalidValues(site.shape, seed).map(([kind, v]) => ({ kind, body: JSON.stringify(setAt(base, site.path, v)), mustReject: true }))),
    );
    // The same breakage beside members the model does not know (which are otherwise ignored).
    mutations.push(
      fc.tuple(fc.constantFrom(...broken), fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }).map((k) => `Unknown${k}`), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 4 })).chain(([site, extra]) =>
        invalidValues(site.shape, seed).map(([kind, v]) => ({
          kind: `unknown members + ${kind}`,
          body: JSON.stringify({ ...(setAt(base, site.path, v) as Record<string, Json>), ...(extra as Record<string, Json>) }),
          mustReject: true,
        })),
      ),
    );
    // Deeply nested arrays where the model wants something else.
    mutations.push(
      fc.tuple(fc.constantFrom(...broken), fc.integer({ min: 1_000, max: 50_000 })).map(([site, depth]) => {
        const marker = '"__DEEP__"';
        const text = JSON.stringify(setAt(base, site.path, '__DEEP__'));
        return { kind: 'deep nesting', body: text.replace(marker, `${'['.repeat(depth)}${']'.repeat(depth)}`), mustReject: shape(site.shape).t !== 'list' };
      }),
    );
  }
  if (mutations.length === 0) return fc.constant({ kind: 'no mutation possible', body: '"not an object"', mustReject: true });
  return fc.oneof(...mutations);
}

/** Inputs that are mostly but not certainly invalid: a server fault is the only failure. */
function wildRequests(): fc.Arbitrary<FuzzCase> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 256 }).map((b) => ({ kind: 'random bytes', body: Buffer.from(b), mustReject: false })),
    fc.jsonValue({ maxDepth: 4 }).map((v) => ({ kind: 'random JSON', body: JSON.stringify(v) ?? 'null', mustReject: false })),
    fc.integer({ min: 10_000, max: 200_000 }).map((depth) => ({ kind: 'deep nesting', body: `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`, mustReject: false })),
    fc.string({ maxLength: 64 }).map((t) => ({ kind: 'truncated JSON', body: `{"${t}`, mustReject: true })),
  );
}

/** NextTokens that Stemma never issued: random text, and tokens forged through `forge`. */
function badNextTokens(
  operation: string,
  seed: number,
  forge: (operation: string, request: Record<string, unknown>, value: string | number, id: string | number) => string,
): fc.Arbitrary<FuzzCase> | undefined {
  const input = inputShapeOf(operation);
  const s = shape(input);
  if (s.t !== 'structure' || !('NextToken' in s.members)) return undefined;
  const base = validValue(input, seed) as Record<string, Json>;
  const scalar = fc.oneof(fc.string({ maxLength: 40 }), fc.double(), fc.integer(), fc.constantFrom('', '-1', '1e400', 'NaN', "'; DROP TABLE entities; --"));
  return fc.oneof(
    fc.string({ minLength: 1, maxLength: 200 }).map((t) => ({ kind: 'bad NextToken', body: JSON.stringify({ ...base, NextToken: t }), mustReject: false })),
    fc.jsonValue({ maxDepth: 2 }).map((v) => ({
      kind: 'bad NextToken',
      body: JSON.stringify({ ...base, NextToken: Buffer.from(JSON.stringify(v) ?? 'null').toString('base64url') }),
      mustReject: false,
    })),
    fc.tuple(scalar, scalar).map(([value, id]) => ({
      kind: 'forged NextToken',
      body: JSON.stringify({ ...base, NextToken: forge(operation, base, value, id) }),
      mustReject: false,
    })),
  );
}

/**
 * Operations whose valid requests start work in the background (job processes, endpoint servers):
 * left out of the random valid requests, so nothing writes while the fuzzer compares fingerprints.
 */
const STARTS_BACKGROUND_WORK = new Set([
  'CreateTrainingJob',
  'CreateProcessingJob',
  'CreateTransformJob',
  'CreateHyperParameterTuningJob',
  'CreateEndpoint',
  'UpdateEndpoint',
]);

const INT32 = 2 ** 31 - 1;

/**
 * Random requests that meet the model (any text, including NUL and lone surrogates where no
 * pattern forbids it; optional members down to a few levels): the handlers' own rules decide,
 * and the answer must never be a server fault.
 */
function validArbitrary(name: string, seed: number, depth: number): fc.Arbitrary<Json> {
  const s = shape(name);
  switch (s.t) {
    case 'structure': {
      const entries = Object.entries(s.members).filter(([, m]) => m.required || depth < 4);
      const model: Record<string, fc.Arbitrary<Json>> = {};
      for (const [member, m] of entries) model[member] = validArbitrary(m.target, seed, depth + 1);
      const requiredKeys = entries.filter(([, m]) => m.required).map(([k]) => k);
      return fc.record(model, { requiredKeys });
    }
    case 'union': {
      const members = Object.entries(s.members);
      if (members.length === 0) return fc.constant({});
      return fc.oneof(...members.map(([member, m]) => validArbitrary(m.target, seed, depth + 1).map((v) => ({ [member]: v }))));
    }
    case 'list': {
      const min = s.length?.min ?? 0;
      return fc.array(validArbitrary(s.member, seed, depth + 1), { minLength: min, maxLength: Math.min(s.length?.max ?? min + 3, min + 3) });
    }
    case 'map': {
      const min = s.length?.min ?? 0;
      return fc
        .array(fc.tuple(validArbitrary(s.key, seed, depth + 1), validArbitrary(s.value, seed, depth + 1)), { minLength: min, maxLength: Math.min(s.length?.max ?? min + 3, min + 3) })
        .map((pairs) => {
          const out: Record<string, Json> = {};
          pairs.forEach(([k, v], i) => (out[typeof k === 'string' && !(k in out) ? k : `${mapKey(s.key, seed)}${i}`] = v));
          return out;
        });
    }
    case 'string': {
      const fallback = validString(name, s, seed);
      if (s.enum) return fc.constantFrom(...s.enum);
      const re = regexOf(s);
      const min = s.length?.min ?? 0;
      const max = Math.min(s.length?.max ?? 64, Math.max(min, 64));
      // Patterns that need characters a random string rarely has: generate from the pattern, and
      // fall back to the known valid value when a generated one breaks the length or the pattern.
      let text: fc.Arbitrary<string> = fc.string({ unit: 'binary', minLength: min, maxLength: max });
      if (re !== undefined && !re.test('\u0000x\ud800')) {
        try {
          text = fc.stringMatching(re);
        } catch {
          text = fc.constant(fallback);
        }
      }
      return text.map((t) => (lengthOk(s, t) && (re === undefined || re.test(t)) ? t : fallback));
    }
    case 'integer':
    case 'long': {
      if (s.enum) return fc.constantFrom(...s.enum);
      const bound = s.t === 'integer' ? INT32 : Number.MAX_SAFE_INTEGER;
      return fc.integer({ min: Math.max(Math.ceil(s.range?.min ?? -bound), -bound), max: Math.min(Math.floor(s.range?.max ?? bound), bound) });
    }
    case 'float':
    case 'double':
      return fc.double({ min: s.range?.min ?? -1e12, max: s.range?.max ?? 1e12, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'timestamp':
      return fc.integer({ min: 0, max: 4_102_444_800 });
    case 'blob':
      return fc.uint8Array({ minLength: Math.max(1, s.length?.min ?? 0), maxLength: Math.max(1, Math.min(s.length?.max ?? 64, 64)) }).map((b) => Buffer.from(b).toString('base64'));
    case 'document':
      return fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
  }
}

/** Every kind of input for one operation. */
export function fuzzCases(
  operation: string,
  seed: number,
  forge: (operation: string, request: Record<string, unknown>, value: string | number, id: string | number) => string,
): fc.Arbitrary<FuzzCase> {
  const tokens = badNextTokens(operation, seed, forge);
  const weighted: fc.WeightedArbitrary<FuzzCase>[] = [
    { arbitrary: mutatedRequests(operation, seed), weight: 6 },
    { arbitrary: wildRequests(), weight: 2 },
  ];
  if (tokens) weighted.push({ arbitrary: tokens, weight: 2 });
  if (!STARTS_BACKGROUND_WORK.has(operation)) {
    const valid = validArbitrary(inputShapeOf(operation), seed, 0).map((v) => ({ kind: 'random valid', body: JSON.stringify(v), mustReject: false }));
    weighted.push({ arbitrary: valid, weight: 2 });
  }
  return fc.oneof(...weighted);
}

/** The smallest valid request of an operation, as JSON text. */
export function validRequest(operation: string, seed: number): Record<string, unknown> {
  return validValue(inputShapeOf(operation), seed) as Record<string, unknown>;
}
