// The table of whose identity the store holds: a skipped identity must leave the reveal what it
// would be had every batch stored its own (the identity of the latest batch received).
import { describe, expect, it } from 'vitest';
import { identityFingerprint, SealedPeople } from '../../src/ingest/sealed-people.js';

const key = (n: number) => n.toString(16).padStart(16, '0') + 'ab'.repeat(24);
const A = identityFingerprint('{"id_type":"resident_id","id_number":"500104199001011234","name":"张三"}');
const B = identityFingerprint('{"id_type":"resident_id","id_number":"500104199001011234","name":"张叁"}');

/** decide, then remember as the store would after the insert */
function arrive(people: SealedPeople, person: string, fingerprint: number, at: number) {
  const decision = people.decide(person, fingerprint, at);
  people.remember(person, fingerprint, at, decision);
  return decision;
}

describe('sealed people', () => {
  it('seals a person once, and again only when the identity changes', () => {
    const people = new SealedPeople(16);
    expect(arrive(people, key(1), A, 100)).toBe('seal');
    expect(arrive(people, key(1), A, 200)).toBe('stored');
    expect(arrive(people, key(1), B, 300)).toBe('seal');
    expect(arrive(people, key(1), A, 400)).toBe('seal');
    expect(arrive(people, key(2), A, 400)).toBe('seal');
  });

  it('skips an identity received before a later sighting of the stored one (it would be superseded)', () => {
    const people = new SealedPeople(16);
    arrive(people, key(1), A, 100);
    arrive(people, key(1), A, 300);
    // Received at 200, stored after the batch of 300: the latest receipt still says A.
    expect(arrive(people, key(1), B, 200)).toBe('superseded');
    expect(people.decide(key(1), A, 400)).toBe('stored');
    expect(arrive(people, key(1), B, 300)).toBe('seal');
  });

  it('remembers nothing the store did not take', () => {
    const people = new SealedPeople(16);
    expect(people.decide(key(1), A, 100)).toBe('seal');
    // the insert failed: no remember; the retry seals again
    expect(people.decide(key(1), A, 100)).toBe('seal');
  });

  it('is bounded: a person pushed out is sealed again, and an older identity first seen after is not trusted', () => {
    const people = new SealedPeople(2); // one set of two
    arrive(people, key(1), A, 100);
    arrive(people, key(2), A, 200);
    arrive(people, key(3), A, 300); // pushes out key(1), seen at 100
    expect(people.decide(key(1), A, 350)).toBe('seal');
    arrive(people, key(4), A, 400); // pushes out key(2), seen at 200
    // Received at 150, before a receipt that was pushed out: sealed, not remembered.
    expect(arrive(people, key(5), B, 150)).toBe('seal');
    expect(people.decide(key(5), B, 500)).toBe('seal');
  });

  it('forgets everything when asked (another consumer may have written)', () => {
    const people = new SealedPeople(16);
    arrive(people, key(1), A, 100);
    people.forget();
    expect(people.decide(key(1), A, 200)).toBe('seal');
  });

  it('runs one batch at a time', async () => {
    const people = new SealedPeople(16);
    const order: string[] = [];
    const slow = people.exclusively(async () => {
      await new Promise((r) => setTimeout(r, 20));
      order.push('first');
    });
    const failing = people.exclusively(async () => {
      order.push('second');
      throw new Error('insert failed');
    });
    const third = people.exclusively(async () => order.push('third'));
    await slow;
    await expect(failing).rejects.toThrow('insert failed');
    await third;
    expect(order).toEqual(['first', 'second', 'third']);
  });

  it('fingerprints tell identities apart', () => {
    expect(A).not.toBe(B);
    expect(identityFingerprint('x')).toBe(identityFingerprint('x'));
  });
});
