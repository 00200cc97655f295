import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW, formatHash, matchesFilters, parseHash, sameGraph } from './view-state.js';

describe('the view in the URL hash', () => {
  it("reads stemma open's #arn=… link with every other setting at its default", () => {
    const arn = 'arn:aws:sagemaker:us-east-1:000000000000:context/prod-endpoint';
    expect(parseHash(`#${new URLSearchParams({ arn }).toString()}`)).toEqual({ ...DEFAULT_VIEW, arn });
  });

  it('round-trips a full view, and leaves defaults out', () => {
    const view = {
      arn: 'arn:a',
      direction: 'Ascendants' as const,
      depth: 6,
      lineageTypes: ['Artifact'],
      types: ['DataSet', 'Model'],
      expanded: ['arn:x1', 'arn:y'],
      selected: 'arn:y',
    };
    expect(parseHash(formatHash(view))).toEqual(view);
    expect(formatHash({ ...DEFAULT_VIEW, arn: 'arn:a' })).toBe('#arn=arn%3Aa');
  });

  it('falls back to defaults for values it cannot use', () => {
    const view = parseHash('#arn=a&direction=Sideways&depth=99&lineageTypes=Artifact,Bogus&expanded=b,b');
    expect(view).toMatchObject({ direction: 'Both', depth: 3, lineageTypes: ['Artifact'], expanded: ['b'] });
  });

  it('tells a change of selection from a change of graph', () => {
    const a = { ...DEFAULT_VIEW, arn: 'x' };
    expect(sameGraph(a, { ...a, selected: 'y' })).toBe(true);
    expect(sameGraph(a, { ...a, depth: 4 })).toBe(false);
  });

  it('filters vertices as QueryLineage does: OR within a list, AND across lists', () => {
    const view = { ...DEFAULT_VIEW, lineageTypes: ['Artifact'], types: ['DataSet', 'Model'] };
    expect(matchesFilters(view, { lineageType: 'Artifact', type: 'Model' })).toBe(true);
    expect(matchesFilters(view, { lineageType: 'Artifact', type: 'Image' })).toBe(false);
    expect(matchesFilters(view, { lineageType: 'Action', type: 'DataSet' })).toBe(false);
    expect(matchesFilters(DEFAULT_VIEW, { lineageType: 'Action', type: 'x' })).toBe(true);
  });
});
