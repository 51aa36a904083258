import { describe, expect, it } from 'vitest';
import { SingleFlight } from '../../src/jobs/single-flight.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('SingleFlight', () => {
  it('skips a tick while the previous run is going, and says so', async () => {
    const logs: string[] = [];
    const flight = new SingleFlight('indicator_snapshot', (m) => logs.push(m));
    const gate = deferred();
    let runs = 0;
    const first = flight.run(async () => {
      runs++;
      await gate.promise;
    });
    await flight.run(async () => {
      runs++;
    });
    expect(runs).toBe(1);
    expect(flight.busy).toBe(true);
    expect(logs).toEqual(['indicator_snapshot: previous run still going, this tick is skipped']);
    gate.resolve();
    await first;
    expect(flight.busy).toBe(false);
    await flight.run(async () => {
      runs++;
    });
    expect(runs).toBe(2);
  });

  it('logs a failure instead of throwing, and runs again on the next tick', async () => {
    const logs: string[] = [];
    const flight = new SingleFlight('institution_freshness', (m) => logs.push(m));
    await expect(flight.run(async () => Promise.reject(new Error('store down')))).resolves.toBeUndefined();
    expect(logs[0]).toMatch(/^institution_freshness failed: Error: store down/);
    let ran = false;
    await flight.run(async () => {
      ran = true;
    });
    expect(ran).toBe(true);
  });

  it('lets stop() wait for the run in progress', async () => {
    const flight = new SingleFlight('job', () => {});
    const gate = deferred();
    let finished = false;
    void flight.run(async () => {
      await gate.promise;
      finished = true;
    });
    const idle = flight.idle();
    setTimeout(() => gate.resolve(), 20);
    await idle;
    expect(finished).toBe(true);
    await flight.idle();
  });
});
