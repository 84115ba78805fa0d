/**
 * Store writes run one after another in call order, so an ack never overtakes its save and
 * `idle()` (close, listings) sees every earlier write. A failed write does not stop the chain.
 */
export class WriteChain {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly onError: (error: unknown, context: string) => void) {}

  /** Queues `op`; the caller gets its result or error. */
  run<T>(op: () => Promise<T>): Promise<T> {
    const result = this.tail.then(op);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Queues `op` that no caller waits for; a failure goes to onError with `context`. */
  fire(op: () => Promise<unknown>, context: string): void {
    this.run(op).catch((error: unknown) => this.onError(error, context));
  }

  /** Resolves once every write queued so far has finished. */
  async idle(): Promise<void> {
    await this.tail;
  }
}
