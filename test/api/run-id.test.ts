/**
 * Run ids derived from Idempotency-Keys are workflow ids of runs that already exist: a retried
 * POST after an upgrade must name the same run. These ids were made by the hand-rolled UUIDv5
 * that `uuid`'s v5 replaced; any change of namespace, name encoding or separator shows here.
 */
import { runIdFor } from '../../src/api/runs/run-id';

describe('runIdFor', () => {
  it.each([
    ['k', undefined, 'run-5950efb4-cefc-57c0-9533-1232b87af293'],
    ['key-1', 'alice', 'run-2b4a8df0-4f62-51e3-9511-174abc466488'],
    ['A~!@#$%^&*()', 'bob@example.org', 'run-a572481f-627f-5435-818a-d8178c1de6b2'],
    ['x'.repeat(200), '', 'run-940d0bb4-2f35-564d-900b-923e7f87d84c'],
    ['é', 'ü', 'run-bc4d26f3-9cf6-5c91-8e8a-f6eb30eccccc'],
  ])('keeps the id of key %j of owner %j', (key, owner, id) => {
    expect(runIdFor(key, owner)).toBe(id);
  });

  it('gives a random id without a key', () => {
    expect(runIdFor(undefined, 'alice')).toMatch(/^run-[0-9a-f-]{36}$/);
    expect(runIdFor(undefined, 'alice')).not.toBe(runIdFor(undefined, 'alice'));
  });
});
