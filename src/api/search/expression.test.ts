import { describe, expect, it } from 'vitest';
import { ValidationException } from '../../core/errors.js';
import { EXPERIMENT_SEARCH, TRIAL_COMPONENT_SEARCH } from '../experiments/searchable.js';
import type { SearchRequest } from '../generated/types.js';
import { compileSearch } from './expression.js';
import { flattenRecord } from './flatten.js';

const tc = (request: Omit<SearchRequest, 'Resource'>) => compileSearch(TRIAL_COMPONENT_SEARCH, { Resource: 'ExperimentTrialComponent', ...request });

describe('property catalog', () => {
  it('resolves leaves with user-chosen keys, even keys with dots, and subtrees of them', () => {
    const p = TRIAL_COMPONENT_SEARCH.properties;
    expect(p.resolve('Metrics.train:loss.Max')).toMatchObject({ type: 'number', subtree: false });
    expect(p.resolve('Parameters.SageMaker.ImageUri.StringValue')).toMatchObject({ type: 'text', subtree: false });
    expect(p.resolve('Parameters.lr')).toMatchObject({ type: 'mixed', subtree: true });
    expect(p.resolve('InputArtifacts')).toMatchObject({ type: 'text', subtree: true });
    expect(p.resolve('CreationTime')).toMatchObject({ type: 'time', subtree: false });
    expect(p.resolve('Colour')).toBeUndefined();
    expect(EXPERIMENT_SEARCH.properties.resolve('Parents.TrialName')).toBeUndefined();
  });
});

describe('compileSearch', () => {
  it('defaults to Equals, And, and LastModifiedTime descending', () => {
    expect(tc({ SearchExpression: { Filters: [{ Name: 'TrialComponentName', Value: 'a' }, { Name: 'Metrics.loss.Max', Value: '1' }] } })).toEqual({
      condition: {
        kind: 'all',
        terms: [
          { kind: 'leaf', predicate: { target: { path: 'TrialComponentName', subtree: false }, test: { kind: 'equals', str: 'a' } } },
          { kind: 'leaf', predicate: { target: { path: 'Metrics.loss.Max', subtree: false }, test: { kind: 'equals', num: 1 } } },
        ],
      },
      sort: { path: 'LastModifiedTime', type: 'num', ascending: false },
    });
  });

  it('turns NotEquals and NotExists into negations, and In into a trimmed list', () => {
    const { condition } = tc({
      SearchExpression: {
        Operator: 'Or',
        Filters: [
          { Name: 'Tags.team', Operator: 'NotEquals', Value: 'x' },
          { Name: 'Metrics', Operator: 'NotExists' },
          { Name: 'Status.PrimaryStatus', Operator: 'In', Value: 'Failed, Stopped' },
        ],
      },
    });
    expect(condition).toMatchObject({
      kind: 'any',
      terms: [
        { kind: 'not', term: { kind: 'leaf' } },
        { kind: 'not', term: { kind: 'leaf', predicate: { target: { path: 'Metrics', subtree: true }, test: { kind: 'exists' } } } },
        { kind: 'leaf', predicate: { test: { kind: 'in', strs: ['Failed', 'Stopped'] } } },
      ],
    });
  });

  it('reads timestamps as ISO 8601 in UTC or epoch seconds', () => {
    const at = (Value: string) => tc({ SearchExpression: { Filters: [{ Name: 'StartTime', Operator: 'GreaterThan', Value }] } }).condition;
    expect(at('2024-05-01T00:00:00')).toMatchObject({ predicate: { test: { num: 1714521600 } } });
    expect(at('2024-05-01T02:00:00+02:00')).toMatchObject({ predicate: { test: { num: 1714521600 } } });
    expect(at('1714521600')).toMatchObject({ predicate: { test: { num: 1714521600 } } });
  });

  it('compares a mixed parameter as a number and as text', () => {
    expect(tc({ SearchExpression: { Filters: [{ Name: 'Parameters.lr', Value: '0.1' }] } }).condition).toMatchObject({
      predicate: { target: { subtree: true }, test: { kind: 'equals', num: 0.1, str: '0.1' } },
    });
  });

  it('refuses what SageMaker refuses, as ValidationException', () => {
    const refused = [
      { SearchExpression: { Filters: [{ Name: 'Nope', Value: 'x' }] } },
      { SearchExpression: { Filters: [{ Name: 'DisplayName', Operator: 'LessThan' as const, Value: 'x' }] } },
      { SearchExpression: { Filters: [{ Name: 'EndTime', Operator: 'In' as const, Value: 'x' }] } },
      { SearchExpression: { SubExpressions: [{ SubExpressions: [{ SubExpressions: [{ SubExpressions: [{ SubExpressions: [{ Filters: [{ Name: 'DisplayName', Value: 'x' }] }] }] }] }] }] } },
      { SortBy: 'Metrics' },
    ];
    for (const r of refused) expect(() => tc(r)).toThrow(ValidationException);
    expect(() =>
      tc({ SearchExpression: { Filters: [{ Name: 'DisplayName', Operator: 'Contains', Value: 'a' }, { Name: 'DisplayName', Operator: 'Contains', Value: 'b' }] } }),
    ).not.toThrow();
  });
});

describe('flattenRecord', () => {
  it('keys tags and metrics by name, keeps Parents elements apart, and nests maps with dots', () => {
    const leaves = flattenRecord(
      {
        TrialComponentName: 'a',
        Parameters: { lr: { NumberValue: 0.1 } },
        Tags: [{ Key: 'team', Value: 'x' }],
        Metrics: [{ MetricName: 'loss', Max: 2, SourceArn: 'arn:j' }],
        Parents: [{ TrialName: 't1' }, { TrialName: 't2', ExperimentName: 'e' }],
      },
      { keyedLists: { Tags: { key: 'Key', value: 'Value' }, Metrics: { key: 'MetricName' } }, elementLists: ['Parents'] },
    );
    expect(leaves).toEqual([
      { path: 'TrialComponentName', elem: 0, num: null, str: 'a' },
      { path: 'Parameters.lr.NumberValue', elem: 0, num: 0.1, str: null },
      { path: 'Tags.team', elem: 0, num: null, str: 'x' },
      { path: 'Metrics.loss.Max', elem: 0, num: 2, str: null },
      { path: 'Metrics.loss.SourceArn', elem: 0, num: null, str: 'arn:j' },
      { path: 'Parents.TrialName', elem: 0, num: null, str: 't1' },
      { path: 'Parents.TrialName', elem: 1, num: null, str: 't2' },
      { path: 'Parents.ExperimentName', elem: 1, num: null, str: 'e' },
    ]);
  });

  it('never yields one path and element twice, keeping every value (the projection stores one leaf per pair)', () => {
    const leaves = flattenRecord(
      {
        // A list inside the second element of another list: its items all start on element 1.
        Containers: [{ Types: ['a'] }, { Types: ['b', 'c'] }],
        // A key with a dot beside a nested map of the same path.
        Meta: { 'a.b': 'dotted', a: { b: 'nested' } },
        Tags: [{ Key: 'k', Value: 'one' }, { Key: 'k', Value: 'two' }],
      },
      { keyedLists: { Tags: { key: 'Key', value: 'Value' } } },
    );
    const pairs = leaves.map((l) => `${l.path}#${l.elem}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(leaves.map((l) => l.str).sort()).toEqual(['a', 'b', 'c', 'dotted', 'nested', 'one', 'two']);
  });
});
