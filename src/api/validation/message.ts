/**
 * The wording of validation failures. ValidationException text copies AWS (Coral) byte for byte,
 * because SDK users match on it and compare it against what SageMaker itself answers:
 *
 *   2 validation errors detected: Value 'x' at 'artifactType' failed to satisfy constraint:
 *   Member must have length less than or equal to 256; Value null at 'source' failed to …
 */

/** Longest rendered value, in code points; AWS cuts longer ones and appends `...`. */
const MAX_RENDERED = 200;

export const NOT_NULL = 'Member must not be null';

export function minLengthPhrase(n: number): string {
  return `Member must have length greater than or equal to ${n}`;
}

export function maxLengthPhrase(n: number): string {
  return `Member must have length less than or equal to ${n}`;
}

export function patternPhrase(pattern: string): string {
  return `Member must satisfy regular expression pattern: ${pattern}`;
}

export function enumPhrase(values: readonly (string | number)[]): string {
  return `Member must satisfy enum value set: [${values.join(', ')}]`;
}

export function minValuePhrase(n: number): string {
  return `Member must have value greater than or equal to ${n}`;
}

export function maxValuePhrase(n: number): string {
  return `Member must have value less than or equal to ${n}`;
}

/** One report per map for all its keys (or values), listing each distinct broken constraint. */
export function mapEntriesPhrase(part: 'keys' | 'value', phrases: readonly string[]): string {
  return `Map ${part} must satisfy constraint: [${phrases.join(', ')}]`;
}

/** `ArtifactType` → `artifactType`: AWS reports member paths in lowerCamelCase. */
export function lowerCamel(name: string): string {
  return name.length === 0 ? name : name.charAt(0).toLowerCase() + name.slice(1);
}

/** `null`, or the value in single quotes: strings as-is, everything else as JSON. */
function renderValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `'${truncate(text)}'`;
}

function truncate(text: string): string {
  // Cheap exit first: a string of at most MAX_RENDERED UTF-16 units has at most that many code points.
  if (text.length <= MAX_RENDERED) return text;
  const codePoints = Array.from(text);
  return codePoints.length <= MAX_RENDERED ? text : `${codePoints.slice(0, MAX_RENDERED).join('')}...`;
}

export function violation(path: string, value: unknown, phrase: string): string {
  return `Value ${renderValue(value)} at '${path}' failed to satisfy constraint: ${phrase}`;
}

export function validationMessage(violations: readonly string[]): string {
  const n = violations.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.join('; ')}`;
}

/** The JSON type of a parsed value, as named in SerializationException messages. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function typeMismatch(path: string, expected: string, got: string): string {
  const where = path === '' ? 'for the request body' : `at '${path}'`;
  return `Unexpected value type ${where}: expected ${expected}, got ${got}`;
}
