// A batch's identities into the store, sealed on the main thread: the people whose identity the
// store already has (src/ingest/sealed-people.ts) are neither sealed nor stored again.
import type { InsertBytes } from '../store/clickhouse.js';
import { toDateTime64 } from '../store/clickhouse-values.js';
import { type Keyring, seal } from '../transform/sealing.js';
import { identityFingerprint, type SealDecision, type SealedPeople } from './sealed-people.js';

export const IDENTITY_COLUMNS = ['person_key', 'key_id', 'sealed', 'received_at'] as const;

export interface IdentityDeps {
  insertBytes: InsertBytes;
  /** without one, identities are not kept */
  keyring?: Keyring;
  /** without it, every batch seals and stores all its people */
  sealedPeople?: SealedPeople;
}

const encoder = new TextEncoder();

/**
 * Seals and stores the identities of a batch (`people`: `person_key identity-json` lines, the
 * batch's last identity per person) received at `receivedAt`.
 */
export async function storeIdentities(deps: IdentityDeps, people: string, receivedAt: number, dedupToken: string | undefined): Promise<void> {
  const { keyring, sealedPeople } = deps;
  if (!keyring || people === '') return;
  const store = async () => {
    const decided: { key: string; fingerprint: number; decision: SealDecision }[] = [];
    const received = toDateTime64(receivedAt);
    let rows = '';
    for (const line of people.split('\n')) {
      if (line === '') continue;
      const tab = line.indexOf('\t');
      const key = line.slice(0, tab);
      const identity = line.slice(tab + 1);
      const fingerprint = identityFingerprint(identity);
      const decision = sealedPeople ? sealedPeople.decide(key, fingerprint, receivedAt) : 'seal';
      decided.push({ key, fingerprint, decision });
      if (decision !== 'seal') continue;
      const sealed = seal(keyring, identity);
      rows += `${key}\t${sealed.key_id}\t${sealed.sealed}\t${received}\n`;
    }
    if (rows !== '') {
      await deps.insertBytes({
        table: 'identities',
        columns: IDENTITY_COLUMNS,
        format: 'TabSeparated',
        body: encoder.encode(rows),
        ...(dedupToken ? { settings: { insert_deduplication_token: `${dedupToken}:identities` } } : {}),
      });
    }
    for (const d of decided) sealedPeople?.remember(d.key, d.fingerprint, receivedAt, d.decision);
  };
  await (sealedPeople ? sealedPeople.exclusively(store) : store());
}
