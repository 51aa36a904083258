#!/usr/bin/env node
// Single-node Apache Kafka 4.x broker (KRaft, combined broker + controller) on
// 127.0.0.1, for development, tests and CI. Dependency-free: node: built-ins only.
//
//   node scripts/kafka.mjs start   # resolve jars (first run), format, launch, wait; prints 127.0.0.1:PORT last
//   node scripts/kafka.mjs stop    # SIGTERM, then SIGKILL after 30 s
//   node scripts/kafka.mjs status  # "running 127.0.0.1:PORT (pid N)" (exit 0) or "stopped" (exit 3)
//
// Options (flag > environment > default):
//   --port N             HAP_KAFKA_PORT             9092       client (PLAINTEXT) listener
//   --controller-port N  HAP_KAFKA_CONTROLLER_PORT  9093       KRaft controller listener
//   --home DIR           HAP_KAFKA_HOME             ./.kafka   state: config, data, logs, pid file
//   --cache DIR          HAP_KAFKA_CACHE            ~/.cache/hap-kafka   jars, per version
//   --kafka-version V    HAP_KAFKA_VERSION          <kafka.version> in scripts/kafka/pom.xml
//   --timeout SECONDS    HAP_KAFKA_START_TIMEOUT    120        how long `start` waits for readiness
//
// Needs Java 17+ (JAVA_HOME or `java` on PATH) and, on the first run for a
// version, Maven (`mvn`) to copy the jars into the cache.
// Progress goes to stderr; stdout carries only the result, so
// `BOOTSTRAP=$(node scripts/kafka.mjs start)` works.

import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const SCRIPT_DIR = path.dirname(fileURLToPath(import.meta.url));
const POM = path.join(SCRIPT_DIR, 'kafka', 'pom.xml');
const LOG4J_CONFIG = path.join(SCRIPT_DIR, 'kafka', 'log4j2.properties');
const HOST = '127.0.0.1';
const NODE_ID = 1;
const STOP_GRACE_MS = 30_000;
const POLL_MS = 300;
const MARKER = '.hap-kafka-complete';

const USAGE = `usage: node scripts/kafka.mjs <start|stop|status> [--port N] [--controller-port N]
       [--home DIR] [--cache DIR] [--kafka-version V] [--timeout SECONDS]`;

/** An error whose report should include the end of the broker's logs. */
class BrokerError extends Error {
  constructor(message, cfg) {
    super(message);
    this.cfg = cfg;
  }
}

const log = (message) => process.stderr.write(`[kafka] ${message}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------
// Configuration

function parseConfig(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      'controller-port': { type: 'string' },
      home: { type: 'string' },
      cache: { type: 'string' },
      'kafka-version': { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const env = process.env;
  const pick = (flag, envName, fallback) => values[flag] ?? (env[envName] || undefined) ?? fallback;

  const home = path.resolve(pick('home', 'HAP_KAFKA_HOME', '.kafka'));
  const cfg = {
    command: values.help ? 'help' : positionals[0],
    port: parsePort(pick('port', 'HAP_KAFKA_PORT', '9092'), 'port'),
    controllerPort: parsePort(pick('controller-port', 'HAP_KAFKA_CONTROLLER_PORT', '9093'), 'controller port'),
    home,
    cache: path.resolve(pick('cache', 'HAP_KAFKA_CACHE', path.join(os.homedir(), '.cache', 'hap-kafka'))),
    version: pick('kafka-version', 'HAP_KAFKA_VERSION', defaultKafkaVersion()),
    timeoutMs: Number(pick('timeout', 'HAP_KAFKA_START_TIMEOUT', '120')) * 1000,
    // Everything the broker owns lives under the state folder.
    serverProperties: path.join(home, 'server.properties'),
    dataDir: path.join(home, 'data'),
    logsDir: path.join(home, 'logs'),
    pidFile: path.join(home, 'kafka.pid'),
    lockFile: path.join(home, 'start.lock'),
  };
  if (cfg.port === cfg.controllerPort) throw new Error(`port and controller port are both ${cfg.port}`);
  if (!(cfg.timeoutMs > 0)) throw new Error('timeout must be a positive number of seconds');
  return cfg;
}

function parsePort(text, what) {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`invalid ${what}: ${text}`);
  return port;
}

// The POM holds the default version so that there is one place to bump it.
function defaultKafkaVersion() {
  const match = fs.readFileSync(POM, 'utf8').match(/<kafka\.version>([^<]+)<\/kafka\.version>/);
  if (!match) throw new Error(`no <kafka.version> property in ${POM}`);
  return match[1].trim();
}

const address = (port) => `${HOST}:${port}`;

// ---------------------------------------------------------------------------
// Processes and the pid file

function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  // kill(0) also succeeds for a zombie, which is what an exited broker stays as
  // when PID 1 in a container does not reap orphans. /proc tells them apart.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2)[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // no /proc (macOS): trust kill(0)
  }
}

// Pids get reused: only trust the pid file if the process is our broker.
function isOurBroker(pid, cfg) {
  if (!isAlive(pid)) return false;
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.includes('kafka.Kafka') && cmdline.includes(cfg.serverProperties);
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

/** Pid of the broker started from this state folder, or null (stale pid files are removed). */
function runningBroker(cfg) {
  let pid;
  try {
    pid = Number.parseInt(fs.readFileSync(cfg.pidFile, 'utf8'), 10);
  } catch {
    return null;
  }
  if (Number.isInteger(pid) && pid > 0 && isOurBroker(pid, cfg)) return pid;
  fs.rmSync(cfg.pidFile, { force: true });
  return null;
}

/** The client port the running broker was started with (its server.properties). */
function runningPort(cfg) {
  const text = readText(cfg.serverProperties);
  const match = text.match(/^advertised\.listeners=PLAINTEXT:\/\/[^:]+:(\d+)/m);
  return match ? Number(match[1]) : cfg.port;
}

async function waitForExit(pid, ms) {
  const deadline = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(200);
  }
  return true;
}

// Two `start`s on one state folder (say, parallel CI steps) must not launch two
// brokers: serialize them with an exclusive lock file holding the owner's pid.
async function withStartLock(cfg, fn) {
  const deadline = Date.now() + cfg.timeoutMs;
  for (;;) {
    try {
      fs.writeFileSync(cfg.lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const owner = Number.parseInt(readText(cfg.lockFile), 10);
      // An empty file is normally a lock being written this instant; only an
      // old one, or a dead owner, means a start was killed and left it behind.
      const stale = owner ? !isAlive(owner) : Date.now() - mtimeMs(cfg.lockFile) > 5000;
      if (stale) {
        fs.rmSync(cfg.lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another start (pid ${owner}) holds ${cfg.lockFile}`);
      await sleep(POLL_MS);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(cfg.lockFile, { force: true });
  }
}

// ---------------------------------------------------------------------------
// Java and the jar cache

function findJava() {
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const probe = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (probe.error) throw new Error(`cannot run ${java} (${probe.error.code}): Kafka needs Java 17+`);
  const match = `${probe.stderr}${probe.stdout}`.match(/version "(\d+)(?:\.(\d+))?/);
  const major = match ? (match[1] === '1' ? Number(match[2]) : Number(match[1])) : 0;
  if (major < 17) throw new Error(`Kafka 4 needs Java 17+, ${java} is ${match ? match[0] : 'unknown'}`);
  return java;
}

// Identifies what a cache folder was built from: a POM edit (say, a new jar)
// must trigger a new resolve even if the Kafka version did not change.
function cacheFingerprint(cfg) {
  return createHash('sha256').update(cfg.version).update('\0').update(fs.readFileSync(POM)).digest('hex');
}

/** Folder holding the broker's runtime jars, resolved with Maven on the first run. */
function ensureLibs(cfg) {
  const libs = path.join(cfg.cache, cfg.version, 'libs');
  const fingerprint = cacheFingerprint(cfg);
  const complete = (dir) => readText(path.join(dir, MARKER)).trim() === fingerprint;
  if (complete(libs)) return libs;

  log(`resolving org.apache.kafka:kafka_2.13:${cfg.version} with Maven into ${libs} (first run only)`);
  // Copy into a private folder and rename it into place at the end, so an
  // interrupted or concurrent run never leaves a half-filled libs folder.
  const staging = `${libs}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  const mvn = spawnSync(
    'mvn',
    [
      '-q',
      '-B',
      '-Dstyle.color=never',
      '-f',
      POM,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${staging}`,
      `-Dkafka.version=${cfg.version}`,
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (mvn.error) throw new Error(`cannot run mvn (${mvn.error.code}): needed once to fetch the Kafka jars`);
  // Maven 3.8 prints ANSI resets even with -q -B; show only real messages, on stderr.
  const output = `${mvn.stdout}${mvn.stderr}`.replace(/\x1b\[[0-9;]*m/g, '').trim();
  if (output) process.stderr.write(`${output}\n`);
  if (mvn.status !== 0 || !fs.existsSync(path.join(staging, `kafka_2.13-${cfg.version}.jar`))) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new Error(`Maven could not resolve Kafka ${cfg.version} (exit ${mvn.status})`);
  }
  fs.writeFileSync(path.join(staging, MARKER), `${fingerprint}\n`);

  fs.rmSync(libs, { recursive: true, force: true });
  try {
    fs.renameSync(staging, libs);
  } catch (err) {
    // Another start renamed its copy into place first; use that one.
    fs.rmSync(staging, { recursive: true, force: true });
    if (!complete(libs)) throw err;
  }
  return libs;
}

function mtimeMs(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

// ---------------------------------------------------------------------------
// Broker configuration, storage and launch

// Rewritten on every start so that port changes take effect. A static voter set
// (controller.quorum.voters) rather than a dynamic quorum (--standalone) keeps
// the controller endpoint out of the formatted metadata, so it may change too.
function writeServerProperties(cfg) {
  const props = {
    'process.roles': 'broker,controller',
    'node.id': NODE_ID,
    'controller.quorum.voters': `${NODE_ID}@${address(cfg.controllerPort)}`,
    listeners: `PLAINTEXT://${address(cfg.port)},CONTROLLER://${address(cfg.controllerPort)}`,
    'advertised.listeners': `PLAINTEXT://${address(cfg.port)}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': cfg.dataDir,

    // One broker: every replication factor and min ISR must be 1.
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,

    // Tests should see exactly the topics they create, with predictable partitions.
    'num.partitions': 1,
    'auto.create.topics.enable': false,
    // Consumers join at once instead of waiting 3 s for more members.
    'group.initial.rebalance.delay.ms': 0,
    // Internal topics default to 50 partitions: slow to create on the first
    // consumer group or transaction and pointless on one broker.
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.num.partitions': 1,
    'share.coordinator.state.topic.num.partitions': 1,
    // The log cleaner preallocates 128 MB of heap by default; the heap is 512 MB.
    'log.cleaner.dedupe.buffer.size': 32 * 1024 * 1024,
  };
  const lines = Object.entries(props).map(([key, value]) => `${key}=${value}`);
  const header = '# Written by scripts/kafka.mjs on every start: edit the script, not this file.';
  fs.writeFileSync(cfg.serverProperties, `${header}\n${lines.join('\n')}\n`);
}

// JVM flags shared by the storage tool and the broker: logs go to files only.
function jvmArgs(cfg, libs) {
  return [
    `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`,
    `-Dkafka.logs.dir=${cfg.logsDir}`,
    '-Djava.awt.headless=true',
    '-cp',
    path.join(libs, '*'), // expanded by the java launcher, not a shell
  ];
}

// KRaft refuses to start on unformatted storage. meta.properties marks a
// formatted folder; --ignore-formatted covers a crash between the two.
function formatStorage(cfg, java, libs) {
  if (fs.existsSync(path.join(cfg.dataDir, 'meta.properties'))) return;
  // Same format as `kafka-storage random-uuid` (16 random bytes, base64url)
  // without paying for a JVM start. A leading '-' would read as a CLI flag.
  let clusterId;
  do clusterId = Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url');
  while (clusterId.startsWith('-'));

  log(`formatting ${cfg.dataDir} (cluster id ${clusterId})`);
  const args = [
    ...jvmArgs(cfg, libs),
    'kafka.tools.StorageTool',
    'format',
    '--config',
    cfg.serverProperties,
    '--cluster-id',
    clusterId,
    '--ignore-formatted',
  ];
  const result = spawnSync(java, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    throw new BrokerError(`formatting storage failed (exit ${result.status}):\n${output}`, cfg);
  }
}

// Fail fast with a clear message instead of a BindException in the broker log.
async function assertPortFree(port, what) {
  await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`${what} port ${address(port)} is already in use (another broker? try --port / HAP_KAFKA_PORT)`)
          : err,
      ),
    );
    server.listen(port, HOST, () => server.close(resolve));
  });
}

function launchBroker(cfg, java, libs) {
  // stdout/stderr only get JVM-level output (crashes, OOM); log4j writes server.log.
  const out = fs.openSync(path.join(cfg.logsDir, 'stdout.log'), 'a');
  fs.writeSync(out, `--- ${new Date().toISOString()} starting Kafka ${cfg.version} ---\n`);
  const args = [
    '-Xms128m',
    '-Xmx512m',
    '-XX:+ExitOnOutOfMemoryError',
    ...jvmArgs(cfg, libs),
    'kafka.Kafka',
    cfg.serverProperties,
  ];
  // detached: the broker outlives this script (own session, no controlling terminal).
  const child = spawn(java, args, { cwd: cfg.home, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  if (!child.pid) throw new Error(`could not start ${java}`);
  child.on('error', () => {}); // reported through the readiness check instead
  child.unref();
  fs.writeFileSync(cfg.pidFile, `${child.pid}\n`);
  return child.pid;
}

// ---------------------------------------------------------------------------
// Readiness: a minimal Kafka protocol client
//
// An open port is not enough: the socket server starts before the broker has
// caught up with the metadata log and been unfenced, and until then clients
// get errors. Ready means a Metadata request lists a live broker, which only
// happens once the controller has unfenced it.

const API_METADATA = 3;
const API_VERSIONS = 18;

function encodeRequest(apiKey, apiVersion, correlationId, body) {
  const clientId = Buffer.from('hap-kafka-script');
  const header = Buffer.alloc(10); // request header v1 (non-flexible)
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(clientId.length, 8);
  const size = Buffer.alloc(4);
  size.writeInt32BE(header.length + clientId.length + body.length, 0);
  return Buffer.concat([size, header, clientId, body]);
}

/** Sends one request and resolves with the response frame (without its size prefix). */
function roundTrip(socket, request) {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
    const onData = (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
        cleanup();
        resolve(received.subarray(4, 4 + received.readInt32BE(0)));
      }
    };
    const onError = (err) => {
      cleanup();
      reject(err);
    };
    const onClose = () => onError(new Error('connection closed by the broker'));
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.write(request);
  });
}

/** A tiny cursor over a big-endian response buffer. */
function reader(buffer) {
  let offset = 0;
  const take = (bytes, read) => {
    const value = read.call(buffer, offset);
    offset += bytes;
    return value;
  };
  return {
    int16: () => take(2, buffer.readInt16BE),
    int32: () => take(4, buffer.readInt32BE),
    nullableString() {
      const length = this.int16();
      if (length < 0) return null;
      offset += length;
      return buffer.toString('utf8', offset - length, offset);
    },
  };
}

/** Asks the broker for its live brokers; throws if it does not answer properly. */
async function probeBrokers(port, timeoutMs = 2000) {
  const socket = net.connect({ host: HOST, port });
  socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
  try {
    await new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });

    // ApiVersions v0 is answered by every broker version; it tells which
    // Metadata versions this one accepts (Kafka 4 dropped v0-v3).
    const versions = reader(await roundTrip(socket, encodeRequest(API_VERSIONS, 0, 1, Buffer.alloc(0))));
    versions.int32(); // correlation id
    const errorCode = versions.int16();
    if (errorCode !== 0) throw new Error(`ApiVersions failed with error code ${errorCode}`);
    let metadataRange = null;
    for (let n = versions.int32(); n > 0; n--) {
      const [key, min, max] = [versions.int16(), versions.int16(), versions.int16()];
      if (key === API_METADATA) metadataRange = [min, max];
    }
    // v4-v7 share the request and broker-list layout parsed below.
    const version = metadataRange && Math.min(metadataRange[1], 7);
    if (!metadataRange || version < Math.max(metadataRange[0], 4)) {
      throw new Error(`broker offers Metadata versions ${metadataRange}, this script speaks 4-7`);
    }

    // Metadata for no topics (empty array) without auto-creation: just the brokers.
    const body = Buffer.from([0, 0, 0, 0, 0]);
    const metadata = reader(await roundTrip(socket, encodeRequest(API_METADATA, version, 2, body)));
    metadata.int32(); // correlation id
    metadata.int32(); // throttle time
    const brokers = [];
    for (let n = metadata.int32(); n > 0; n--) {
      brokers.push({ nodeId: metadata.int32(), host: metadata.nullableString(), port: metadata.int32() });
      metadata.nullableString(); // rack
    }
    return brokers;
  } finally {
    socket.destroy();
  }
}

async function waitUntilReady(cfg, pid, port) {
  const deadline = Date.now() + cfg.timeoutMs;
  let lastProblem = 'no answer yet';
  for (;;) {
    if (!isAlive(pid)) throw new BrokerError(`the broker (pid ${pid}) exited while starting`, cfg);
    try {
      const brokers = await probeBrokers(port);
      if (brokers.length > 0) return;
      lastProblem = 'Metadata lists no live broker yet (still fenced)';
    } catch (err) {
      lastProblem = err.message;
    }
    if (Date.now() > deadline) {
      throw new BrokerError(
        `the broker (pid ${pid}) was not ready on ${address(port)} after ${cfg.timeoutMs / 1000} s: ${lastProblem}`,
        cfg,
      );
    }
    await sleep(POLL_MS);
  }
}

// ---------------------------------------------------------------------------
// Commands

async function start(cfg) {
  fs.mkdirSync(cfg.logsDir, { recursive: true });
  const port = await withStartLock(cfg, async () => {
    const existing = runningBroker(cfg);
    if (existing) {
      const port = runningPort(cfg);
      if (port !== cfg.port) {
        throw new Error(`a broker from ${cfg.home} is already running on ${address(port)}; stop it to change the port`);
      }
      await waitUntilReady(cfg, existing, port); // returns at once when healthy
      log(`already running (pid ${existing})`);
      return port;
    }

    const began = Date.now();
    await assertPortFree(cfg.port, 'client');
    await assertPortFree(cfg.controllerPort, 'controller');
    const java = findJava();
    const libs = ensureLibs(cfg);
    writeServerProperties(cfg);
    formatStorage(cfg, java, libs);
    const pid = launchBroker(cfg, java, libs);
    log(`started Kafka ${cfg.version} (pid ${pid}), logs in ${cfg.logsDir}; waiting until it is ready`);
    try {
      await waitUntilReady(cfg, pid, cfg.port);
    } catch (err) {
      // Do not leave a half-started JVM holding the ports behind.
      await terminate(pid);
      fs.rmSync(cfg.pidFile, { force: true });
      throw err;
    }
    log(`ready in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    return cfg.port;
  });
  console.log(address(port)); // the last line of stdout, by contract
}

async function terminate(pid) {
  try {
    process.kill(pid, 'SIGTERM'); // Kafka's shutdown hook does a clean shutdown
  } catch {
    return;
  }
  if (await waitForExit(pid, STOP_GRACE_MS)) return;
  log(`pid ${pid} still running after ${STOP_GRACE_MS / 1000} s; sending SIGKILL`);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  await waitForExit(pid, 5000);
}

async function stop(cfg) {
  const pid = runningBroker(cfg);
  if (pid) {
    log(`stopping the broker (pid ${pid})`);
    await terminate(pid);
  }
  fs.rmSync(cfg.pidFile, { force: true });
  console.log('stopped');
}

async function status(cfg) {
  const pid = runningBroker(cfg);
  if (!pid) {
    console.log('stopped');
    process.exitCode = 3; // LSB convention for "not running"
    return;
  }
  const port = runningPort(cfg);
  try {
    await probeBrokers(port);
    console.log(`running ${address(port)} (pid ${pid})`);
  } catch (err) {
    console.log(`running (pid ${pid}) but not answering on ${address(port)}: ${err.message}`);
  }
}

// ---------------------------------------------------------------------------
// Entry point

function logTail(cfg, lines = 40) {
  const tails = [];
  for (const name of ['server.log', 'stdout.log']) {
    const file = path.join(cfg.logsDir, name);
    const text = readText(file).trimEnd();
    if (text) tails.push(`--- last lines of ${file} ---\n${text.split('\n').slice(-lines).join('\n')}`);
  }
  return tails.join('\n');
}

async function main() {
  const cfg = parseConfig(process.argv.slice(2));
  const commands = { start, stop, status };
  if (cfg.command === 'help') return console.log(USAGE);
  const command = commands[cfg.command];
  if (!command) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  await command(cfg);
}

main().catch((err) => {
  console.error(`kafka.mjs: ${err.message}`);
  if (err instanceof BrokerError) console.error(logTail(err.cfg));
  process.exitCode = 1;
});
