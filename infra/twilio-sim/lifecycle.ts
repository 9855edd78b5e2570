// Cancellable background work: every simulated flow (message delivery, call) runs under the current
// generation's AbortSignal; reset() or shutdown() aborts them all, including in-flight webhooks.

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new Cancelled());
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Cancelled());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export class Lifecycle {
  private controller = new AbortController();
  private readonly active = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly log: (msg: string) => void) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Runs a background flow; failures are logged, cancellation is silent. */
  spawn(name: string, flow: (signal: AbortSignal) => Promise<void>): void {
    if (this.stopped) return;
    const signal = this.controller.signal;
    const run = flow(signal).catch((err: unknown) => {
      if (err instanceof Cancelled || signal.aborted) return;
      this.log(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    });
    this.active.add(run);
    void run.finally(() => this.active.delete(run));
  }

  /** Resolves when no background flow is running. */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.all([...this.active]);
  }

  /** Cancels every running flow and starts a new generation. */
  reset(): void {
    this.controller.abort();
    this.controller = new AbortController();
  }

  /** Cancels every running flow for good. */
  shutdown(): void {
    this.stopped = true;
    this.controller.abort();
  }
}
