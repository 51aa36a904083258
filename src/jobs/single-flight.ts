// A job never overlaps itself: a tick that finds the previous run still going is skipped (the
// next tick or the catch-up will do its work). Failures are logged, never thrown: a scheduled
// job has no caller to throw to, and one bad night must not stop the next.
export class SingleFlight {
  private running: Promise<void> | null = null;

  constructor(
    readonly name: string,
    private readonly log: (message: string) => void,
  ) {}

  get busy(): boolean {
    return this.running !== null;
  }

  /** Starts `job` unless a run is going; resolves when this run (or the skip) is done. */
  run(job: () => Promise<unknown>): Promise<void> {
    if (this.running) {
      this.log(`${this.name}: previous run still going, this tick is skipped`);
      return Promise.resolve();
    }
    const run = (async () => {
      try {
        await job();
      } catch (error) {
        this.log(`${this.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      } finally {
        this.running = null;
      }
    })();
    this.running = run;
    return run;
  }

  /** Waits for the run in progress, if any. */
  async idle(): Promise<void> {
    await this.running;
  }
}
