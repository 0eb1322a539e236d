import { describe, expect, it } from 'vitest';
import { nextWorkerName } from './nodes.js';

describe('nextWorkerName', () => {
  it('is one past the highest worker, from m02, ignoring other names', () => {
    expect(nextWorkerName('dev', ['dev'])).toBe('dev-m02');
    expect(nextWorkerName('dev', ['dev', 'dev-m02', 'dev-m03'])).toBe('dev-m04');
    expect(nextWorkerName('dev', ['dev', 'dev-m03'])).toBe('dev-m04'); // a gap is not filled: names only grow
    expect(nextWorkerName('dev', ['dev', 'dev-x-m09', 'devm05'])).toBe('dev-m02');
    expect(nextWorkerName('a-b', ['a-b', 'a-b-m11'])).toBe('a-b-m12');
  });
});
