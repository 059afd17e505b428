import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordCache } from './record-cache.ts';

describe('RecordCache', () => {
  it('keeps a record for its TTL, forgets it on delete, and keeps nothing with a TTL of 0', () => {
    const cache = new RecordCache<string>(1000);
    cache.set('k', 'v', 0);
    assert.equal(cache.get('k', 999), 'v');
    assert.equal(cache.get('k', 1000), undefined, 'expired');
    cache.set('k', 'v', 2000);
    cache.delete('k');
    assert.equal(cache.get('k', 2001), undefined);
    const none = new RecordCache<string>(0);
    none.set('k', 'v', 0);
    assert.equal(none.get('k', 0), undefined);
  });

  it('drops the least recently stored record beyond its bound', () => {
    const cache = new RecordCache<number>(1000, 2);
    cache.set('a', 1, 0);
    cache.set('b', 2, 0);
    cache.set('a', 3, 0);
    cache.set('c', 4, 0);
    assert.deepEqual(['a', 'b', 'c'].map((key) => cache.get(key, 1)), [3, undefined, 4]);
  });
});
