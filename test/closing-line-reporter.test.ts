import type { TestModule } from 'vitest/node';
import { describe, expect, it } from 'vitest';
import { closingLine } from './closing-line-reporter.js';

type State = 'passed' | 'failed' | 'skipped' | 'pending';

function module(states: State[], moduleState: State = states.includes('failed') ? 'failed' : 'passed'): TestModule {
  const tests = states.map((state) => ({ result: () => ({ state }) }));
  return { state: () => moduleState, children: { allTests: () => tests[Symbol.iterator]() } } as unknown as TestModule;
}

describe('the closing line CI reads', () => {
  it('counts passed, failed and skipped tests in the plain "N passed, N failed" form', () => {
    const line = closingLine([module(['passed', 'passed', 'skipped']), module(['failed', 'passed', 'pending'])], 0);
    expect(line).toBe('vitest: 3 passed, 1 failed, 2 skipped');
    expect(line).toMatch(/^\w+: \d+ passed, \d+ failed(, \d+ skipped)?$/);
  });

  it('counts a file that failed to load, and unhandled errors, as failures', () => {
    expect(closingLine([module([], 'failed'), module(['passed'])], 2)).toBe('vitest: 1 passed, 3 failed, 0 skipped');
  });
});
