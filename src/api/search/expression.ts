/**
 * SageMaker's SearchExpression, checked against a resource's properties and turned into the
 * store's condition tree. Decisions where SageMaker's documentation is silent are written down in
 * docs/behaviour.md ("Search").
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_SearchExpression.html
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_Filter.html
 */
import { ValidationException } from '../../core/errors.js';
import type { Condition, Predicate, SearchSort, ValueTest } from '../../storage/search-query.js';
import { MATCH_EVERYTHING } from '../../storage/search-query.js';
import type { Filter, NestedFilters, Operator, SearchExpression, SearchRequest } from '../generated/types.js';
import type { ResolvedProperty } from './properties.js';
import type { SearchableType } from './resource.js';

/** How deep SubExpressions may nest. */
export const MAX_EXPRESSION_DEPTH = 5;
export const DEFAULT_SORT_BY = 'LastModifiedTime';

const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

function parseNumber(text: string): number | undefined {
  return NUMBER_RE.test(text.trim()) ? Number(text.trim()) : undefined;
}

/** A timestamp value: ISO 8601 (UTC unless it says otherwise) or epoch seconds, as epoch seconds. */
function parseTime(text: string): number | undefined {
  const t = text.trim();
  const n = parseNumber(t);
  if (n !== undefined) return n;
  if (!DATE_RE.test(t)) return undefined;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(t) || !t.includes(':') ? t : `${t}Z`;
  const ms = Date.parse(zoned.replace(' ', 'T'));
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

class ExpressionCompiler {
  private readonly resource: SearchableType;
  private limitedContains = 0;

  constructor(resource: SearchableType) {
    this.resource = resource;
  }

  property(name: string, where: string): ResolvedProperty {
    const p = this.resource.properties.resolve(name);
    if (!p) {
      throw new ValidationException(
        `Invalid property name '${name.slice(0, 200)}' at '${where}': ${this.resource.resource} has no such searchable property. ` +
          'GetSearchSuggestions lists the property names of a resource.',
      );
    }
    return p;
  }

  /** A filter as a positive predicate plus whether it is negated (NotEquals, NotExists). */
  predicate(filter: Filter, where: string): { predicate: Predicate; negated: boolean } {
    const p = this.property(filter.Name, `${where}.name`);
    const op: Operator = filter.Operator ?? 'Equals';
    const target = { path: p.path, subtree: p.subtree };
    if (op === 'Exists' || op === 'NotExists') return { predicate: { target, test: { kind: 'exists' } }, negated: op === 'NotExists' };
    const value = filter.Value;
    if (value === undefined) {
      throw new ValidationException(`The filter on '${p.path}' at '${where}' uses operator ${op}, which needs a Value.`);
    }
    return { predicate: { target, test: this.test(p, op, value, where) }, negated: op === 'NotEquals' };
  }

  private test(p: ResolvedProperty, op: Exclude<Operator, 'Exists' | 'NotExists'>, value: string, where: string): ValueTest {
    const textOnly = (): void => {
      if (p.type === 'number' || p.type === 'time') {
        throw new ValidationException(
          `Operator ${op} at '${where}' is only supported for text properties, and '${p.path}' is a ${p.type === 'time' ? 'timestamp' : 'number'}.`,
        );
      }
    };
    const ordered = (): number => {
      if (p.type === 'text') {
        throw new ValidationException(`Operator ${op} at '${where}' is not supported for the text property '${p.path}'.`);
      }
      const n = p.type === 'number' ? parseNumber(value) : p.type === 'time' ? parseTime(value) : (parseNumber(value) ?? parseTime(value));
      if (n === undefined) {
        throw new ValidationException(
          `Value '${value.slice(0, 200)}' at '${where}' is not a valid ${p.type === 'time' ? "timestamp (use ISO 8601, e.g. 2024-05-01T12:00:00, or epoch seconds)" : 'number'} for '${p.path}'.`,
        );
      }
      return n;
    };
    switch (op) {
      case 'Equals':
      case 'NotEquals':
        if (p.type === 'text') return { kind: 'equals', str: value };
        if (p.type === 'mixed') {
          const n = parseNumber(value);
          return n === undefined ? { kind: 'equals', str: value } : { kind: 'equals', num: n, str: value };
        }
        return { kind: 'equals', num: ordered() };
      case 'GreaterThan':
        return { kind: 'compare', op: '>', num: ordered() };
      case 'GreaterThanOrEqualTo':
        return { kind: 'compare', op: '>=', num: ordered() };
      case 'LessThan':
        return { kind: 'compare', op: '<', num: ordered() };
      case 'LessThanOrEqualTo':
        return { kind: 'compare', op: '<=', num: ordered() };
      case 'Contains':
        textOnly();
        this.countContains(p);
        return { kind: 'contains', str: value };
      case 'In':
        textOnly();
        return { kind: 'in', strs: value.split(',').map((s) => s.trim()) };
    }
  }

  private countContains(p: ResolvedProperty): void {
    const unlimited = this.resource.unlimitedContains.some((u) => p.path === u || p.path.startsWith(`${u}.`));
    if (unlimited) return;
    this.limitedContains++;
    if (this.limitedContains > 1) throw new ValidationException("'CONTAINS' operator usage limit of 1 exceeded.");
  }

  filter(filter: Filter, where: string): Condition {
    const { predicate, negated } = this.predicate(filter, where);
    const leaf: Condition = { kind: 'leaf', predicate };
    return negated ? { kind: 'not', term: leaf } : leaf;
  }

  nested(nested: NestedFilters, where: string): Condition {
    const list = nested.NestedPropertyName;
    if (!this.resource.nestedLists.includes(list)) {
      const allowed = this.resource.nestedLists.join(', ') || 'none';
      throw new ValidationException(
        `Invalid NestedPropertyName '${list.slice(0, 200)}' at '${where}.nestedPropertyName': nested filters of ${this.resource.resource} apply to: ${allowed}.`,
      );
    }
    const predicates = nested.Filters.map((f, i) => {
      const at = `${where}.filters.${i + 1}`;
      if (!f.Name.startsWith(`${list}.`)) {
        throw new ValidationException(`The nested filter at '${at}' names '${f.Name.slice(0, 200)}', which is not a property of ${list}.`);
      }
      const { predicate, negated } = this.predicate(f, at);
      if (negated) {
        throw new ValidationException(
          `Operator ${f.Operator} at '${at}' cannot be used in nested filters; use it in Filters, or negate with another operator.`,
        );
      }
      return predicate;
    });
    return { kind: 'nested', list, predicates };
  }

  expression(e: SearchExpression, where: string, depth: number): Condition {
    if (depth > MAX_EXPRESSION_DEPTH) {
      throw new ValidationException(`SubExpressions at '${where}' nest more than ${MAX_EXPRESSION_DEPTH} levels deep.`);
    }
    const terms: Condition[] = [
      ...(e.Filters ?? []).map((f, i) => this.filter(f, `${where}.filters.${i + 1}.member`)),
      ...(e.NestedFilters ?? []).map((n, i) => this.nested(n, `${where}.nestedFilters.${i + 1}.member`)),
      ...(e.SubExpressions ?? []).map((s, i) => this.expression(s, `${where}.subExpressions.${i + 1}.member`, depth + 1)),
    ];
    if (terms.length === 0) {
      throw new ValidationException(`The SearchExpression at '${where}' must contain Filters, NestedFilters or SubExpressions.`);
    }
    if (terms.length > 20) {
      throw new ValidationException(
        `The SearchExpression at '${where}' has ${terms.length} elements; Filters, NestedFilters and SubExpressions together may have at most 20.`,
      );
    }
    return terms.length === 1 ? (terms[0] as Condition) : { kind: e.Operator === 'Or' ? 'any' : 'all', terms };
  }
}

export interface CompiledSearch {
  readonly condition: Condition;
  readonly sort: SearchSort;
}

/** Checks a Search request against the resource's properties and compiles it for the store. */
export function compileSearch(resource: SearchableType, request: SearchRequest): CompiledSearch {
  const compiler = new ExpressionCompiler(resource);
  const terms: Condition[] = [];
  if (request.SearchExpression) terms.push(compiler.expression(request.SearchExpression, 'searchExpression', 1));
  // VisibilityConditions limit results to resources carrying these tags.
  for (const [i, v] of (request.VisibilityConditions ?? []).entries()) {
    if (v.Key === undefined) throw new ValidationException(`VisibilityConditions.${i + 1}.Key is required.`);
    const test: ValueTest = v.Value === undefined ? { kind: 'exists' } : { kind: 'equals', str: v.Value };
    terms.push({ kind: 'leaf', predicate: { target: { path: `Tags.${v.Key}`, subtree: false }, test } });
  }
  const condition = terms.length === 0 ? MATCH_EVERYTHING : terms.length === 1 ? (terms[0] as Condition) : { kind: 'all' as const, terms };

  const sortBy = request.SortBy ?? DEFAULT_SORT_BY;
  const p = compiler.property(sortBy, 'sortBy');
  if (p.subtree) {
    throw new ValidationException(
      `Cannot sort by '${sortBy.slice(0, 200)}': it names a group of values, not one value. ` +
        `Sort by a property below it${p.type === 'mixed' ? `, e.g. '${p.path}.NumberValue'` : ''}.`,
    );
  }
  const sort: SearchSort = { path: p.path, type: p.type === 'text' ? 'str' : 'num', ascending: request.SortOrder === 'Ascending' };
  return { condition, sort };
}
