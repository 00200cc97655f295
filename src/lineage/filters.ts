/**
 * Filter matching for QueryLineage. LineageTypes and Types are OR within the list and AND with
 * everything else; dates are inclusive; Properties match when any one pair matches. A vertex with
 * no LineageType (an experiment) never matches.
 */
import type { LineageType } from '../core/model.js';
import type { LineageFilters } from './query.js';

/** What the filters look at, apart from properties. */
export interface FilterSubject {
  readonly lineageType: LineageType | undefined;
  readonly type: string | undefined;
  readonly createdAt: number;
  readonly modifiedAt: number;
}

/** Everything but Properties (which need a read of their own). */
export function matchesAttributes(f: LineageFilters, v: FilterSubject): boolean {
  if (v.lineageType === undefined) return false;
  if (f.lineageTypes !== undefined && f.lineageTypes.size > 0 && !f.lineageTypes.has(v.lineageType)) return false;
  if (f.types !== undefined && f.types.size > 0 && (v.type === undefined || !f.types.has(v.type))) return false;
  if (f.createdBefore !== undefined && v.createdAt > f.createdBefore) return false;
  if (f.createdAfter !== undefined && v.createdAt < f.createdAfter) return false;
  if (f.modifiedBefore !== undefined && v.modifiedAt > f.modifiedBefore) return false;
  if (f.modifiedAfter !== undefined && v.modifiedAt < f.modifiedAfter) return false;
  return true;
}

export function hasPropertyFilter(f: LineageFilters): boolean {
  return f.properties !== undefined && f.properties.length > 0;
}

export function matchesProperties(f: LineageFilters, properties: Readonly<Record<string, string>> | undefined): boolean {
  if (!hasPropertyFilter(f)) return true;
  if (properties === undefined) return false;
  return (f.properties ?? []).some(([key, value]) => Object.hasOwn(properties, key) && properties[key] === value);
}
