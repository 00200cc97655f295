import { describe, expect, it } from 'vitest';
import { numberPlaceholders } from './placeholders.js';

describe('numberPlaceholders', () => {
  it('numbers placeholders in order', () => {
    expect(numberPlaceholders('SELECT * FROM t WHERE a = ? AND b > ? LIMIT ?')).toBe('SELECT * FROM t WHERE a = $1 AND b > $2 LIMIT $3');
  });

  it('leaves question marks in string literals and quoted identifiers alone', () => {
    expect(numberPlaceholders(`SELECT '?', "a?" FROM t WHERE x = ? AND y <> 'it''s?' AND z = ?`)).toBe(
      `SELECT '?', "a?" FROM t WHERE x = $1 AND y <> 'it''s?' AND z = $2`,
    );
  });

  it('keeps casts written right after a placeholder', () => {
    expect(numberPlaceholders('SELECT ?::bigint, ?::text[]')).toBe('SELECT $1::bigint, $2::text[]');
  });

  it('changes nothing in a statement without placeholders', () => {
    expect(numberPlaceholders('SELECT 1')).toBe('SELECT 1');
  });
});
