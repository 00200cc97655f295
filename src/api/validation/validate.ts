/**
 * Validates a request body against the generated validation table (src/api/generated/schema.ts).
 *
 * Two kinds of failure, as on AWS:
 * - the JSON does not have the modeled type (a string where a list belongs, a union with two
 *   members set, …): SerializationException at once, because nothing further can be judged;
 * - a value breaks a constraint (required, length, pattern, enum, range): every such violation in
 *   the whole input is collected and reported in one ValidationException.
 *
 * Members the model does not know are removed, recursively, and explicit nulls of optional members
 * are removed too, so handlers see exactly the generated wire types. The input is never mutated:
 * a structure, list or map is copied only when something in it has to change.
 *
 * This runs on every request, so the table is compiled once per shape into {@link Node}s holding
 * resolved children, compiled regexes and ready-made message phrases; the walk itself allocates
 * nothing for a valid input beyond the copies above.
 */
import { SerializationException, UnknownOperationException, ValidationException } from '../../core/errors.js';
import { operations, shapes } from '../generated/schema.js';
import {
  NOT_NULL,
  enumPhrase,
  jsonTypeOf,
  lowerCamel,
  mapEntriesPhrase,
  maxLengthPhrase,
  maxValuePhrase,
  minLengthPhrase,
  minValuePhrase,
  patternPhrase,
  typeMismatch,
  validationMessage,
  violation,
} from './message.js';
import type { ShapeSchema } from './shape-schema.js';

type Kind = ShapeSchema['t'];

interface Member {
  readonly name: string;
  /** The member name as AWS writes it in a path: `ArtifactType` → `artifactType`. */
  readonly pathName: string;
  readonly required: boolean;
  /** A name Object.prototype also has (`constructor`, …): read it only as an own property. */
  readonly inherited: boolean;
  readonly node: Node;
}

/** One shape of the table, compiled for the walk. Fields that do not apply keep neutral values. */
class Node {
  readonly kind: Kind;
  /** Structure and union members, in model order. */
  members: readonly Member[] = [];
  /** List element, or map value. */
  element: Node | undefined;
  /** Map key. */
  key: Node | undefined;
  readonly sparse: boolean;
  /** Whether any of the constraints below is set, so the common unconstrained case costs one test. */
  readonly constrained: boolean;
  readonly minLength: number;
  readonly maxLength: number;
  readonly regex: RegExp | undefined;
  readonly enumValues: ReadonlySet<string | number> | undefined;
  readonly min: number;
  readonly max: number;
  readonly minLengthPhrase: string;
  readonly maxLengthPhrase: string;
  readonly patternPhrase: string;
  readonly enumPhrase: string;
  readonly minPhrase: string;
  readonly maxPhrase: string;

  constructor(schema: ShapeSchema) {
    this.kind = schema.t;
    this.sparse = 'sparse' in schema && schema.sparse === true;
    const length = 'length' in schema ? schema.length : undefined;
    const range = 'range' in schema ? schema.range : undefined;
    const values = 'enum' in schema ? schema.enum : undefined;
    const pattern = schema.t === 'string' ? schema.pattern : undefined;
    this.minLength = length?.min ?? 0;
    this.maxLength = length?.max ?? Infinity;
    this.min = range?.min ?? -Infinity;
    this.max = range?.max ?? Infinity;
    this.minLengthPhrase = minLengthPhrase(this.minLength);
    this.maxLengthPhrase = maxLengthPhrase(this.maxLength);
    this.minPhrase = minValuePhrase(this.min);
    this.maxPhrase = maxValuePhrase(this.max);
    this.enumValues = values === undefined ? undefined : new Set<string | number>(values);
    this.enumPhrase = values === undefined ? '' : enumPhrase(values);
    this.patternPhrase = pattern === undefined ? '' : patternPhrase(pattern);
    // `.*` (the most common pattern in the model) matches every string: skip the regex.
    this.regex =
      schema.t !== 'string' || pattern === undefined || pattern === '.*'
        ? undefined
        : new RegExp(schema.regex ?? pattern, schema.flags ?? 'u');
    this.constrained =
      length !== undefined || range !== undefined || values !== undefined || this.regex !== undefined;
  }
}

const compiled = new Map<string, Node>();

/** The compiled node of a table shape; recursive shapes are fine because a node is cached before its children are linked. */
function compile(name: string): Node {
  const cached = compiled.get(name);
  if (cached !== undefined) return cached;
  const schema = shapes[name];
  if (schema === undefined) throw new Error(`The validation table has no shape '${name}'`);
  const node = new Node(schema);
  compiled.set(name, node);
  switch (schema.t) {
    case 'structure':
      node.members = Object.entries(schema.members).map(([memberName, m]) => member(memberName, m.target, m.required === true));
      break;
    case 'union':
      node.members = Object.entries(schema.members).map(([memberName, m]) => member(memberName, m.target, false));
      break;
    case 'list':
      node.element = compile(schema.member);
      break;
    case 'map':
      node.key = compile(schema.key);
      node.element = compile(schema.value);
      break;
    default:
      break;
  }
  return node;
}

function member(name: string, target: string, required: boolean): Member {
  return { name, pathName: lowerCamel(name), required, inherited: name in Object.prototype, node: compile(target) };
}

function unlinked(): never {
  throw new Error('Validation node used before its children were linked');
}

// ---------------------------------------------------------------------------------------------
// Walk state. validateRequest is synchronous and resets both at the start, so module-level state
// is safe and spares passing (or allocating) a context per call.

/** Path to the value being walked: member path names, and 1-based list indexes (numbers). */
const path: (string | number)[] = [];
let violations: string[] | undefined;

function pathText(extra?: string): string {
  let text = '';
  for (const segment of path) {
    if (text !== '') text += '.';
    text += typeof segment === 'number' ? `${segment}.member` : segment;
  }
  if (extra !== undefined) text = text === '' ? extra : `${text}.${extra}`;
  return text;
}

function report(message: string): void {
  (violations ??= []).push(message);
}

const EXPECTED: Readonly<Record<Kind, string>> = {
  structure: 'structure',
  union: 'union',
  list: 'list',
  map: 'map',
  string: 'string',
  integer: 'integer',
  long: 'long',
  float: 'float',
  double: 'double',
  boolean: 'boolean',
  timestamp: 'timestamp (epoch seconds)',
  blob: 'blob (base64 string)',
  document: 'document',
};

function mismatch(node: Node, value: unknown, got: string = jsonTypeOf(value)): never {
  throw new SerializationException(typeMismatch(pathText(), EXPECTED[node.kind], got));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_LIMIT = 9223372036854775808; // 2^63, exactly representable
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** awsJson encodes non-finite floats as these strings. */
const NON_FINITE: ReadonlyMap<unknown, number> = new Map([
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
]);

/**
 * Checks the JSON type of `value` and walks into it. Returns the value handlers should see: the
 * same reference unless members were stripped below it (or a non-finite float was decoded).
 * `reportOwn` is false for map values, whose own constraints the map reports in aggregate.
 */
function walk(node: Node, value: unknown, reportOwn: boolean): unknown {
  switch (node.kind) {
    case 'structure':
      return walkStructure(node, value);
    case 'union':
      return walkUnion(node, value);
    case 'list':
      return walkList(node, value, reportOwn);
    case 'map':
      return walkMap(node, value, reportOwn);
    case 'string':
      if (typeof value !== 'string') mismatch(node, value);
      break;
    case 'integer':
      if (typeof value !== 'number') mismatch(node, value);
      if (!Number.isInteger(value)) mismatch(node, value, `non-integer number ${value}`);
      if (value < INT32_MIN || value > INT32_MAX) mismatch(node, value, `${value}, outside the 32-bit range`);
      break;
    case 'long':
      if (typeof value !== 'number') mismatch(node, value);
      if (!Number.isInteger(value)) mismatch(node, value, `non-integer number ${value}`);
      if (value < -INT64_LIMIT || value >= INT64_LIMIT) mismatch(node, value, `${value}, outside the 64-bit range`);
      break;
    case 'float':
    case 'double':
      if (typeof value !== 'number') {
        const decoded = NON_FINITE.get(value);
        if (decoded === undefined) mismatch(node, value);
        value = decoded;
      }
      break;
    case 'boolean':
      if (typeof value !== 'boolean') mismatch(node, value);
      break;
    case 'timestamp':
      if (typeof value !== 'number' || !Number.isFinite(value)) mismatch(node, value);
      break;
    case 'blob':
      if (typeof value !== 'string') mismatch(node, value);
      if (!BASE64.test(value) || value.replace(/=+$/, '').length % 4 === 1) mismatch(node, value, 'a string that is not base64');
      break;
    case 'document':
      break;
  }
  if (reportOwn && node.constrained) reportOwnViolations(node, value);
  return value;
}

function walkStructure(node: Node, value: unknown): Record<string, unknown> {
  if (!isObject(value)) mismatch(node, value);
  const members = node.members;
  let out: Record<string, unknown> | undefined;
  let present = 0;
  for (let i = 0; i < members.length; i++) {
    const m = members[i] ?? unlinked();
    const v = m.inherited && !Object.hasOwn(value, m.name) ? undefined : value[m.name];
    if (v === undefined || v === null) {
      if (m.required) report(violation(pathText(m.pathName), null, NOT_NULL));
      if (v === null) {
        present++;
        out ??= copyMembers(value, members, i); // drop the explicit null
      }
      continue;
    }
    present++;
    path.push(m.pathName);
    const checked = walk(m.node, v, true);
    path.pop();
    if (checked !== v) out ??= copyMembers(value, members, i);
    if (out !== undefined) out[m.name] = checked;
  }
  // More keys than known members present: strip the unknown ones.
  if (out === undefined && countKeys(value) !== present) out = copyMembers(value, members, members.length);
  return out ?? value;
}

/** A copy holding the non-null values of members[0, end) — those not changed so far. */
function copyMembers(value: Record<string, unknown>, members: readonly Member[], end: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < end; i++) {
    const m = members[i] ?? unlinked();
    const v = m.inherited && !Object.hasOwn(value, m.name) ? undefined : value[m.name];
    if (v !== undefined && v !== null) out[m.name] = v;
  }
  return out;
}

function countKeys(value: object): number {
  let n = 0;
  for (const _key in value) n++;
  return n;
}

function walkUnion(node: Node, value: unknown): Record<string, unknown> {
  if (!isObject(value)) mismatch(node, value);
  let chosen: Member | undefined;
  let set = 0;
  for (const m of node.members) {
    const v = m.inherited && !Object.hasOwn(value, m.name) ? undefined : value[m.name];
    if (v === undefined || v === null) continue;
    set++;
    chosen = m;
  }
  if (set !== 1 || chosen === undefined) {
    const where = pathText();
    throw new SerializationException(
      `Invalid union at '${where}': exactly one member must be set, got ${set}`,
    );
  }
  const v = value[chosen.name];
  path.push(chosen.pathName);
  const checked = walk(chosen.node, v, true);
  path.pop();
  return checked === v && countKeys(value) === 1 ? value : { [chosen.name]: checked };
}

function walkList(node: Node, value: unknown, reportOwn: boolean): unknown[] {
  if (!Array.isArray(value)) mismatch(node, value);
  if (reportOwn && node.constrained) reportOwnViolations(node, value);
  const element = node.element ?? unlinked();
  const list: readonly unknown[] = value;
  let out: unknown[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    path.push(i + 1);
    let checked: unknown = null;
    if (v !== null && v !== undefined) checked = walk(element, v, true);
    else if (!node.sparse) mismatch(element, v);
    path.pop();
    if (checked !== v) out ??= list.slice(0, i);
    if (out !== undefined) out.push(checked);
  }
  return out ?? value;
}

function walkMap(node: Node, value: unknown, reportOwn: boolean): Record<string, unknown> {
  if (!isObject(value)) mismatch(node, value);
  if (reportOwn && node.constrained) reportOwnViolations(node, value);
  const keyNode = node.key ?? unlinked();
  const valueNode = node.element ?? unlinked();
  // Own keys only: a map's keys are caller data, so never trust what for-in might inherit.
  const keys = Object.keys(value);
  let keyPhrases: string[] | undefined;
  let valuePhrases: string[] | undefined;
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] ?? unlinked();
    const v = value[k];
    if (keyNode.constrained) keyPhrases = collectOwnViolations(keyNode, k, keyPhrases);
    // Nested paths inside a map value continue from `<map path>.<key>`.
    path.push(k);
    let checked: unknown = null;
    if (v !== null && v !== undefined) checked = walk(valueNode, v, false);
    else if (!node.sparse) mismatch(valueNode, v);
    path.pop();
    if (checked !== null && valueNode.constrained) valuePhrases = collectOwnViolations(valueNode, checked, valuePhrases);
    if (checked !== v && out === undefined) {
      out = {};
      for (let j = 0; j < i; j++) {
        const earlier = keys[j] ?? unlinked();
        setEntry(out, earlier, value[earlier]);
      }
    }
    if (out !== undefined) setEntry(out, k, checked);
  }
  if (keyPhrases !== undefined) report(violation(pathText(), value, mapEntriesPhrase('keys', keyPhrases)));
  if (valuePhrases !== undefined) report(violation(pathText(), value, mapEntriesPhrase('value', valuePhrases)));
  return out ?? value;
}

/** Map keys are arbitrary: a plain assignment of `__proto__` would set the prototype instead. */
function setEntry(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function reportOwnViolations(node: Node, value: unknown): void {
  const phrases = collectOwnViolations(node, value, undefined);
  if (phrases === undefined) return;
  const where = pathText();
  for (const phrase of phrases) report(violation(where, value, phrase));
}

/** Phrases gathered by {@link collectOwnViolations}; module-level so checking needs no closure. */
let pending: string[] | undefined;

function addPhrase(phrase: string): void {
  if (pending === undefined) pending = [phrase];
  else if (!pending.includes(phrase)) pending.push(phrase);
}

/**
 * Adds the phrases of the length, pattern, enum and range constraints `value` breaks to `into`
 * (created on first need, so a valid value allocates nothing). `value` already has the node's type.
 */
function collectOwnViolations(node: Node, value: unknown, into: string[] | undefined): string[] | undefined {
  pending = into;
  switch (node.kind) {
    case 'string': {
      const text = value as string;
      checkLength(node, stringLength(node, text));
      if (node.regex !== undefined && !node.regex.test(text)) addPhrase(node.patternPhrase);
      if (node.enumValues !== undefined && !node.enumValues.has(text)) addPhrase(node.enumPhrase);
      break;
    }
    case 'integer':
    case 'long':
    case 'float':
    case 'double': {
      const n = value as number;
      if (node.enumValues !== undefined && !node.enumValues.has(n)) addPhrase(node.enumPhrase);
      if (n < node.min) addPhrase(node.minPhrase);
      if (n > node.max) addPhrase(node.maxPhrase);
      break;
    }
    case 'list':
      checkLength(node, (value as readonly unknown[]).length);
      break;
    case 'map':
      checkLength(node, countKeys(value as object));
      break;
    case 'blob':
      checkLength(node, decodedLength(value as string));
      break;
    default:
      break;
  }
  const phrases = pending;
  pending = undefined;
  return phrases;
}

function checkLength(node: Node, length: number): void {
  if (length < node.minLength) addPhrase(node.minLengthPhrase);
  if (length > node.maxLength) addPhrase(node.maxLengthPhrase);
}

/**
 * Length in code points (Smithy semantics). A string of n UTF-16 units has between ⌈n/2⌉ and n
 * code points, so only strings near a bound need to be counted.
 */
function stringLength(node: Node, text: string): number {
  const units = text.length;
  if (units <= node.maxLength && (units + 1) >> 1 >= node.minLength) return units;
  let count = 0;
  for (let i = 0; i < units; i++) {
    const c = text.charCodeAt(i);
    // A high surrogate followed by a low one is a single code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < units) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

function decodedLength(base64: string): number {
  let end = base64.length;
  while (end > 0 && base64.charCodeAt(end - 1) === 0x3d /* = */) end--;
  return Math.floor((end * 3) / 4);
}

// ---------------------------------------------------------------------------------------------

export function isKnownOperation(name: string): boolean {
  return Object.hasOwn(operations, name);
}

/**
 * Checks a parsed request body of `operation` against the model and returns it with unknown
 * members and explicit nulls removed. An absent body (`undefined` or JSON `null`) counts as `{}`.
 *
 * @throws SerializationException when a value has the wrong JSON type
 * @throws ValidationException listing every constraint violation
 * @throws UnknownOperationException when the operation is not generated
 */
export function validateRequest(operation: string, input: unknown): Record<string, unknown> {
  const op = isKnownOperation(operation) ? operations[operation] : undefined;
  if (op === undefined) throw new UnknownOperationException(`Operation ${operation} is not supported.`);
  const root = compile(op.input);
  path.length = 0;
  violations = undefined;
  const body = input ?? {};
  if (!isObject(body)) throw new SerializationException(typeMismatch('', 'structure', jsonTypeOf(body)));
  const result = walk(root, body, false) as Record<string, unknown>;
  const found = violations;
  violations = undefined;
  if (found !== undefined) throw new ValidationException(validationMessage(found));
  return result;
}
