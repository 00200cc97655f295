import { describe, expect, it } from 'vitest';
import { segmentMeets } from './renderer.js';

describe('culling straight edges against the view', () => {
  const view = { minX: 0, minY: 0, maxX: 100, maxY: 100 };

  it('keeps a segment that crosses the view, or ends in it', () => {
    expect(segmentMeets({ x: -500, y: 50 }, { x: 500, y: 60 }, view)).toBe(true);
    expect(segmentMeets({ x: 50, y: 50 }, { x: 5000, y: 9000 }, view)).toBe(true);
    expect(segmentMeets({ x: -100, y: 100 }, { x: 100, y: -100 }, view)).toBe(true); // through a corner
  });

  it('drops a long diagonal whose bounding box covers the view but which passes beside it', () => {
    expect(segmentMeets({ x: -1000, y: 150 }, { x: 150, y: -1000 }, view)).toBe(false);
    expect(segmentMeets({ x: 200, y: -1000 }, { x: 1200, y: 1000 }, view)).toBe(false);
  });
});
