// Progress on stderr: one rewritten line on a terminal, a line every few seconds otherwise.
// With a known total the line says how far along it is and when it should be done.
export class Progress {
  private readonly started = Date.now();
  private lastPrint = 0;
  private total?: number;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  /** The number of events expected: lines then show the share done and an ETA. */
  setTotal(total: number): this {
    if (total > 0) this.total = total;
    return this;
  }

  update(done: number, extra = ''): void {
    const now = Date.now();
    const interval = this.stream.isTTY ? 200 : 5000;
    if (now - this.lastPrint < interval) return;
    this.lastPrint = now;
    const line = `${this.label}: ${progressText(done, this.total, this.rate(done))}${extra ? `, ${extra}` : ''}`;
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

/** `m:ss` or `h:mm:ss`. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Pure: `1,000 of 4,000 events (25 %), 500 events/s, ETA 0:06` (no total: count and rate only). */
export function progressText(done: number, total: number | undefined, rate: number): string {
  if (total === undefined) return `${done.toLocaleString('en')} events, ${rate.toLocaleString('en')} events/s`;
  const share = Math.min(100, Math.floor((done / total) * 100));
  const eta = rate > 0 ? duration((total - done) / rate) : '…';
  return `${done.toLocaleString('en')} of ${total.toLocaleString('en')} events (${share} %), ${rate.toLocaleString('en')} events/s, ETA ${eta}`;
}
