import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DuplicateCounter } from './duplicate-counter.ts';

test('counts each repeat once, across table growth, with no false duplicates among 500,000 strings', () => {
  const counter = new DuplicateCounter(4);
  for (let i = 0; i < 500_000; i++) assert.ok(counter.add(`C${i}N`));
  assert.equal(counter.duplicates, 0);
  assert.equal(counter.add('C17N'), false);
  assert.equal(counter.add('C17N'), false);
  assert.equal(counter.add(''), true);
  assert.equal(counter.add(''), false);
  assert.equal(counter.duplicates, 3);
});
