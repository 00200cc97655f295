import { describe, expect, it } from 'vitest';
import { safeSegments } from './static-files.js';

describe('the static file route', () => {
  it('maps / to index.html and plain paths to their segments', () => {
    expect(safeSegments('/')).toEqual(['index.html']);
    expect(safeSegments('/main.js')).toEqual(['main.js']);
    expect(safeSegments('/assets/a%20b.css')).toEqual(['assets', 'a b.css']);
  });

  it('refuses every path that could leave the root', () => {
    for (const path of ['/..', '/../package.json', '/a/../../x', '/%2e%2e/x', '/..%2fx', '/a%5c..%5cx', '/%00', '/a//b', '/%E0%A4%A', '/c:x', '/./x']) {
      expect(safeSegments(path), path).toBeUndefined();
    }
  });
});
