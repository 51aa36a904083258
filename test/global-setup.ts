// Starts the real Kafka broker the integration tests talk to (scripts/kafka.mjs: Kafka 4.x from
// Maven Central, KRaft, 127.0.0.1) on its own port and state folder, and stops it afterwards —
// only when a selected test file needs it (files named kafka-*.test.ts), so a run of unit tests
// needs no Java and no broker. `npm test` (every file) starts it as before.
// HAP_TEST_KAFKA_BROKERS set → use that broker instead and leave it running.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const SCRIPT = fileURLToPath(new URL('../scripts/kafka.mjs', import.meta.url));
const ARGS = ['--port', '19092', '--controller-port', '19093', '--home', fileURLToPath(new URL('../.kafka/test', import.meta.url))];

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The newest modification time under a folder (TypeScript sources). */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * Child processes (`hap serve` in the CLI and Kafka tests) and the normaliser threads run the
 * compiled dist/: a run started with `npx vitest` after editing src/ would test a stale build.
 * `npm test` builds first (pretest); otherwise it is rebuilt here when older than the sources.
 */
function ensureFreshBuild(): void {
  let built = 0;
  try {
    built = statSync(join(ROOT, 'dist/cli/main.js')).mtimeMs;
  } catch {
    built = 0;
  }
  if (built >= newest(join(ROOT, 'src'))) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
}

/** The test files that talk to the broker: integration tests named so, so that a filter can tell. */
export const NEEDS_KAFKA = /[\\/]integration[\\/]kafka-[^\\/]*\.test\.ts$/;

declare module 'vitest' {
  export interface ProvidedContext {
    /** empty when no selected file needs the broker */
    kafkaBrokers: string;
  }
}

/** The files of this run that need the broker; every file when the run is not filtered. */
async function filesNeedingKafka(project: TestProject): Promise<string[]> {
  // The run's file filters (`vitest run a b`); vitest keeps them on its instance. Should a
  // vitest release drop the field, the filter reads as absent and the broker starts as before.
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  const { testFiles } = await project.globTestFiles(filters && filters.length > 0 ? filters : undefined);
  return testFiles.filter((f) => NEEDS_KAFKA.test(f));
}

export default async function setup(project: TestProject): Promise<() => void> {
  ensureFreshBuild();
  const needing = await filesNeedingKafka(project);
  if (needing.length === 0) {
    project.provide('kafkaBrokers', '');
    return () => {};
  }
  const external = process.env.HAP_TEST_KAFKA_BROKERS;
  if (external) {
    project.provide('kafkaBrokers', external);
    return () => {};
  }
  console.error(`[global-setup] starting the test Kafka broker for ${needing.length} file(s): ${needing.map((f) => basename(f)).join(', ')}`);
  const output = execFileSync(process.execPath, [SCRIPT, 'start', ...ARGS], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const brokers = output.trim().split('\n').pop() ?? '';
  if (!/^[\d.]+:\d+$/.test(brokers)) throw new Error(`the test broker did not start: ${output}`);
  project.provide('kafkaBrokers', brokers);
  return () => {
    // Quiet on success: the vitest summary stays the last thing a run prints (CI reads it there).
    // A failed stop throws with the script's own output in the error.
    execFileSync(process.execPath, [SCRIPT, 'stop', ...ARGS], { stdio: ['ignore', 'pipe', 'pipe'] });
  };
}
