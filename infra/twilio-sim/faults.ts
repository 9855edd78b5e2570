// Fault injection for the fault tests (issue 9): for a while, the simulated Twilio REST API answers
// with a 5xx error instead of doing anything, or does the work and answers only after a delay (the
// client times out although Twilio acted: the case the product's outbox must not send twice).
//
//   PUT    /_sim/faults   { "mode": "error", "status": 503, "forMs": 15000 }
//                        { "mode": "slow", "delayMs": 35000, "forMs": 20000, "methods": ["POST"] }
//   GET    /_sim/faults   the current fault and how many requests faults have hit so far
//   DELETE /_sim/faults   back to normal at once
// Only the REST API (/2010-04-01/...) is affected, never /_sim or webhooks.
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';

export const FaultSchema = z
  .object({
    mode: z.enum(['error', 'slow']),
    /** HTTP status of 'error' answers. */
    status: z.number().int().min(500).max(599).default(503),
    /** How long the fault lasts from now. */
    forMs: z.number().int().min(1).max(3_600_000),
    /** 'slow': how long the answer is held back after the request was processed. */
    delayMs: z.number().int().min(0).max(600_000).default(35_000),
    /** Only requests with these methods are affected (default: all). */
    methods: z
      .array(z.enum(['GET', 'POST', 'DELETE']))
      .min(1)
      .optional(),
  })
  .strict();
export type FaultInput = z.input<typeof FaultSchema>;

interface ActiveFault {
  mode: 'error' | 'slow';
  status: number;
  until: number;
  delayMs: number;
  methods?: string[];
}

export class Faults {
  private active: ActiveFault | undefined;
  /** Requests answered with an error / held back since the simulator started or was reset. */
  hits = { error: 0, slow: 0 };

  set(input: unknown): ReturnType<Faults['view']> {
    const f = FaultSchema.parse(input);
    this.active = {
      mode: f.mode,
      status: f.status,
      until: Date.now() + f.forMs,
      delayMs: f.delayMs,
      methods: f.methods,
    };
    return this.view();
  }

  /** Ends the fault now; `resetHits` also zeroes the counters (a reset of the simulator). */
  clear(resetHits = false): void {
    this.active = undefined;
    if (resetHits) this.hits = { error: 0, slow: 0 };
  }

  current(method: string): ActiveFault | undefined {
    const f = this.active;
    if (!f || Date.now() >= f.until) return undefined;
    if (f.methods && !f.methods.includes(method)) return undefined;
    return f;
  }

  view() {
    const f = this.active;
    const on = f !== undefined && Date.now() < f.until;
    return {
      active: on,
      ...(f && on
        ? { mode: f.mode, status: f.status, delayMs: f.delayMs, until: new Date(f.until).toISOString() }
        : {}),
      ...(f?.methods ? { methods: f.methods } : {}),
      hits: this.hits,
    };
  }

  /** Middleware in front of the REST API. */
  middleware(log: (msg: string) => void): express.RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      const f = this.current(req.method);
      if (!f) return next();
      if (f.mode === 'error') {
        this.hits.error += 1;
        res.status(f.status).json({
          code: 20000 + f.status,
          message: 'Service Unavailable (simulated fault)',
          more_info: 'https://www.twilio.com/docs/errors/20503',
          status: f.status,
        });
        return;
      }
      // 'slow': the request is processed now, its answer leaves only after the delay.
      this.hits.slow += 1;
      log(`fault: holding back the answer to ${req.method} ${req.originalUrl} for ${f.delayMs} ms`);
      const send = res.send.bind(res);
      res.send = ((body?: unknown) => {
        setTimeout(() => {
          if (!res.writableEnded && !res.destroyed) send(body);
        }, f.delayMs).unref();
        return res;
      }) as Response['send'];
      next();
    };
  }

  /** Control routes, mounted at /_sim/faults. */
  router(): express.Router {
    const router = express.Router();
    router.use(express.json({ limit: '16kb' }));
    router.get('/', (_req, res) => {
      res.json(this.view());
    });
    router.put('/', (req, res) => {
      const parsed = FaultSchema.safeParse(req.body ?? {});
      if (!parsed.success) {
        const detail = parsed.error.issues
          .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
          .join('; ');
        res.status(400).json({ error: detail });
        return;
      }
      res.json(this.set(parsed.data));
    });
    router.delete('/', (_req, res) => {
      this.clear();
      res.status(204).end();
    });
    return router;
  }
}
