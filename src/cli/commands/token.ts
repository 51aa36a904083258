// `hap token create --role ROLE [--scope CODE] [--expires DAYS] [--label TEXT]`, `hap token list`,
// `hap token revoke ID`. The new token is the last line printed, shown once; only its hash is kept.
import { parseArgs } from 'node:util';
import type { CommandHelp } from '../cli-args.js';
import { scopeFor } from '../../auth/principal.js';
import { isRole, ROLES } from '../../auth/roles.js';
import { createToken, listTokens, revokeToken } from '../../auth/token-store.js';
import { loadConfig } from '../../config/config.js';
import { loadReferenceData } from '../../reference/reference-data.js';
import { appendAudit } from '../../store/audit-log.js';
import { openStore } from '../../store/clickhouse.js';
import { migrate } from '../../store/migrations.js';

const USAGE = `Usage: hap token create --role ROLE [--scope CODE] [--expires DAYS] [--label TEXT]
       hap token list
       hap token revoke ID
Roles: ${ROLES.join(', ')} (street_supervisor: --scope a street/town code; institution_user, submitter: --scope an institution code)`;

const help: CommandHelp = {
  usage: 'hap token create --role ROLE [--scope CODE] [--expires DAYS] [--label TEXT] | hap token list | hap token revoke ID',
  summary: 'Local API tokens. A new token is printed once, as the last line; only its SHA-256 is kept.',
  options: {
    role: { type: 'string', value: 'ROLE', description: ROLES.join(', ') },
    scope: { type: 'string', value: 'CODE', description: 'a street/town code (street_supervisor) or an institution code (institution_user, submitter)' },
    expires: { type: 'string', value: 'DAYS', description: 'days until the token expires (default never)' },
    label: { type: 'string', value: 'TEXT', description: 'who or what the token is for' },
  },
  positionals: { min: 1, max: 2, name: 'create|list|revoke [ID]' },
};

async function run(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (!action || action === '--help' || action === '-h') {
    console.log(USAGE);
    return action ? 0 : 2;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { role: { type: 'string' }, scope: { type: 'string' }, expires: { type: 'string' }, label: { type: 'string', default: '' } },
    strict: true,
  });
  const config = loadConfig(process.env);
  if (action === 'create') {
    if (!isRole(values.role)) {
      console.error(`hap token create: --role must be one of ${ROLES.join(', ')}`);
      return 2;
    }
    const expires = values.expires === undefined ? undefined : Number(values.expires);
    if (expires !== undefined && !(Number.isInteger(expires) && expires > 0)) {
      console.error('hap token create: --expires is a whole number of days');
      return 2;
    }
    const scope = scopeFor(values.role, values.scope, loadReferenceData(config.region, config.institutionFiles));
    if (!scope.ok) {
      console.error(`hap token create: --scope: ${scope.problem}`);
      return 2;
    }
    return withStore(config, async (client) => {
      const { token, record } = await createToken(client, { role: values.role as never, scopeCode: scope.scope.level === 'county' ? '' : scope.scope.code, label: values.label ?? '', ...(expires ? { expiresDays: expires } : {}) });
      await appendAudit(client, { actor: 'cli', actor_role: 'operator', actor_scope: 'cli', action: 'token.create', target: record.id, reason: '', route: 'hap token create', details: { role: record.role, scope: record.scope_code, expires_at: record.expires_at } });
      console.error(`token ${record.id}: ${record.role}${record.scope_code ? ` of ${record.scope_code}` : ''}${record.expires_at ? `, expires ${record.expires_at} UTC` : ''}. Shown once; keep it secret:`);
      console.log(token);
      return 0;
    });
  }
  if (action === 'list') {
    return withStore(config, async (client) => {
      const tokens = await listTokens(client);
      if (tokens.length === 0) console.log('no tokens');
      for (const t of tokens) console.log([t.id, t.role, t.scope_code || '-', t.created_at, t.expires_at ?? 'never', t.revoked_at ? `revoked ${t.revoked_at}` : 'active', t.label].join('\t'));
      return 0;
    });
  }
  if (action === 'revoke') {
    const id = positionals[0];
    if (!id) {
      console.error('hap token revoke: give the token id (hap token list)');
      return 2;
    }
    return withStore(config, async (client) => {
      if (!(await revokeToken(client, id))) {
        console.error(`hap token revoke: no active token ${id}`);
        return 1;
      }
      await appendAudit(client, { actor: 'cli', actor_role: 'operator', actor_scope: 'cli', action: 'token.revoke', target: id, reason: '', route: 'hap token revoke', details: {} });
      console.log(`token ${id} revoked`);
      return 0;
    });
  }
  console.error(`hap token: unknown action ${action}\n${USAGE}`);
  return 2;
}

export const tokenCommand = { help, run };

async function withStore(config: ReturnType<typeof loadConfig>, work: (client: Awaited<ReturnType<typeof openStore>>['client']) => Promise<number>): Promise<number> {
  const store = await openStore(config);
  try {
    await migrate(store.client, undefined, store.cluster);
    return await work(store.client);
  } finally {
    await store.close();
  }
}
