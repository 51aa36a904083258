// CI reads a run's closing line to know that tests ran. It knows the closing lines of many test
// runners but not vitest's summary, so the run ends with the plain form it reads in any language:
// "vitest: N passed, N failed, N skipped", alone on the last line.
import type { Reporter, TestModule } from 'vitest/node';

export function closingLine(modules: ReadonlyArray<TestModule>, unhandledErrors: number): string {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const module of modules) {
    let tests = 0;
    for (const test of module.children.allTests()) {
      tests += 1;
      const state = test.result().state;
      if (state === 'passed') passed += 1;
      else if (state === 'failed') failed += 1;
      else skipped += 1;
    }
    // A file that failed to load has no tests but failed all the same.
    if (tests === 0 && module.state() === 'failed') failed += 1;
  }
  return `vitest: ${passed} passed, ${failed + unhandledErrors} failed, ${skipped} skipped`;
}

export default class ClosingLineReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    process.stdout.write(`${closingLine(modules, unhandledErrors.length)}\n`);
  }
}
