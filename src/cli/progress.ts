// One progress line on stderr, rewritten in place on a terminal and printed every few seconds
// otherwise (CI logs), so stdout stays clean for --json.

export class Progress {
  private last = 0;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(private readonly everyMs = 2000) {}

  update(text: string, force = false): void {
    const now = Date.now();
    if (!force && now - this.last < (this.tty ? 100 : this.everyMs)) return;
    this.last = now;
    if (this.tty) process.stderr.write(`\r\x1b[K${text}`);
    else process.stderr.write(`${text}\n`);
  }

  done(text: string): void {
    if (this.tty) process.stderr.write(`\r\x1b[K`);
    process.stderr.write(`${text}\n`);
  }
}
