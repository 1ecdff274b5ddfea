// What the sweep worker and the grammar-lab worker share: each owns at most one long job (a sweep,
// a lab run), applies its commands one at a time in order, and stops the job in flight (letting its
// loop see the flag and end) before starting another or answering a stop.

/** A job in flight: its loop checks `stopped` between steps. */
export interface Job {
  stopped: boolean;
  loop: Promise<void>;
}

export abstract class OneJobSession<Command, J extends Job> {
  protected active: J | null = null;
  private queue: Promise<void> = Promise.resolve();

  /** Commands are applied one at a time, in order; a start resolves once the job is under way. */
  handle(cmd: Command): Promise<void> {
    const next = this.queue.then(
      () => this.apply(cmd),
      () => this.apply(cmd),
    );
    this.queue = next.catch(() => {});
    return next;
  }

  /** The loop of the job now running (tests await it). */
  get loop(): Promise<void> {
    return this.active?.loop ?? Promise.resolve();
  }

  protected abstract apply(cmd: Command): Promise<void>;

  /** Ends the job in flight, if any, once its loop has seen the stop. */
  protected async stop(): Promise<void> {
    const a = this.active;
    this.active = null;
    if (!a) return;
    a.stopped = true;
    await a.loop.catch(() => {});
  }
}
