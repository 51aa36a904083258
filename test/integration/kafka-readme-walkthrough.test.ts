// The README's Kafka walkthrough, run as written (its ```sh block under "## Kafka mode"), in a
// scratch folder, with its own broker and port: every event produced must land.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function walkthrough(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Kafka mode'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README.md has no sh block under "## Kafka mode"');
  return block;
}

describe('the README Kafka walkthrough', () => {
  it('runs as written: the district produced to Kafka lands through hap serve', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hap-walkthrough-'));
    // As a newcomer's shell in this project would resolve them: `npx hap` is the project's bin,
    // `npm run` the project's scripts (the walkthrough runs in a scratch folder, not the work tree).
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const realNpm = spawnSync('bash', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(join(bin, 'npx'), `#!/usr/bin/env bash\nif [ "$1" = hap ]; then shift; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, 'bin/hap.js'))} "$@"; fi\necho "unexpected npx $*" >&2; exit 1\n`);
    writeFileSync(join(bin, 'npm'), `#!/usr/bin/env bash\nexec ${JSON.stringify(realNpm)} --prefix ${JSON.stringify(ROOT)} "$@"\n`);
    chmodSync(join(bin, 'npx'), 0o755);
    chmodSync(join(bin, 'npm'), 0o755);
    const env = {
      ...process.env,
      HAP_DATA_DIR: join(dir, 'data'),
      HAP_KAFKA_PORT: '29692',
      HAP_KAFKA_HOME: join(dir, 'kafka'),
      HAP_PORT: '3277',
      HAP_AUTH: 'on',
      PATH: `${bin}:${process.env.PATH}`,
    };
    // The block, then: wait until every event produced is counted, print the status, stop.
    const script = `set -euo pipefail
# hap serve stops (leaving its group) before the broker does: a consumer whose broker is gone
# waits for it, and spawnSync waits for the server's end of the output pipe.
trap 'kill %1 2>/dev/null || true; wait %1 2>/dev/null || true; node ${JSON.stringify(join(ROOT, 'scripts/kafka.mjs'))} stop >/dev/null 2>&1 || true' EXIT
${walkthrough()}
LINES=$(grep -c . synthetic/events.ndjson)
for _ in $(seq 1 180); do
  STATUS=$(curl -s -H "Authorization: Bearer $TOKEN" localhost:$HAP_PORT/v1/ingest/status)
  DONE=$(node -e 'const s=JSON.parse(process.argv[1]); console.log((s.accepted ?? 0) + (s.rejected ?? 0))' "$STATUS")
  [ "$DONE" -ge "$LINES" ] && break
  sleep 1
done
echo "LINES=$LINES"
echo "STATUS=$STATUS"
`;
    try {
      const run = spawnSync('bash', ['-c', script], { cwd: dir, env, encoding: 'utf8', timeout: 280_000 });
      expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
      const lines = Number(/LINES=(\d+)/.exec(run.stdout)?.[1]);
      const status = JSON.parse(/STATUS=(.*)/.exec(run.stdout)?.[1] ?? '{}') as { accepted?: number; rejected?: number };
      expect(lines).toBeGreaterThan(500);
      expect((status.accepted ?? 0) + (status.rejected ?? 0)).toBe(lines);
      // A normal run logs no error (kafkajs's ERROR lines included).
      expect(`${run.stdout}\n${run.stderr}`).not.toMatch(/"level":"ERROR"|"level":50/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
