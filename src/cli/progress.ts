// Progress on stderr: one rewritten line on a terminal, a line every few seconds otherwise.
export class Progress {
  private readonly started = Date.now();
  private lastPrint = 0;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, extra = ''): void {
    const now = Date.now();
    const interval = this.stream.isTTY ? 200 : 5000;
    if (now - this.lastPrint < interval) return;
    this.lastPrint = now;
    const line = `${this.label}: ${done.toLocaleString('en')} events, ${this.rate(done).toLocaleString('en')} events/s${extra ? `, ${extra}` : ''}`;
    if (this.stream.isTTY) this.stream.write(`\r${line}\x1b[K`);
    else this.stream.write(`${line}\n`);
  }

  rate(done: number): number {
    const seconds = (Date.now() - this.started) / 1000;
    return seconds > 0 ? Math.round(done / seconds) : 0;
  }

  elapsedSeconds(): number {
    return (Date.now() - this.started) / 1000;
  }

  finish(done: number, extra = ''): string {
    const line = `${this.label}: ${done.toLocaleString('en')} events in ${this.elapsedSeconds().toFixed(1)} s (${this.rate(done).toLocaleString('en')} events/s)${extra ? `, ${extra}` : ''}`;
    this.stream.write(this.stream.isTTY ? `\r${line}\x1b[K\n` : `${line}\n`);
    return line;
  }
}
