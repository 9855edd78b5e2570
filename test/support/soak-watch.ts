// The soak's watcher (S10, issue 26): while the load runs it asks /healthz, each dependency
// (Temporal and the worker's pollers, the database by a direct ping, the mail sink, the Twilio
// simulator) and the read model (the complaint list, projection versions never going backwards,
// and the newest complaint) about once a second, each probe on its own and with its own deadline. A probe
// that has no answer within `freezeMs` is a freeze: the product (or a part of it) stopped answering.
// An answer that is an error (a 503 from /healthz, a refused connection) is not a freeze: it is the
// product saying, in time, that something is wrong.
import net from 'node:net';
import { Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import mongoose from 'mongoose';
import type { Stack } from '../../infra/stack/stack';
import { percentile } from '../bench/stats';
import type { VersionWatch } from './chaos';
import { KEYS } from './stack';

export interface Probe {
  name: string;
  /** Resolves when the part answered as expected, throws (with what was wrong) otherwise. */
  check(signal: AbortSignal): Promise<void>;
}

export interface Freeze {
  probe: string;
  at: string;
  /** How long the probe waited (≥ freezeMs; freezeMs + 2 s = it never came back). */
  ms: number;
  error?: string;
  /** The longest stall of this process's own event loop meanwhile (a stalled watcher is no freeze of the product). */
  ownLagMs: number;
}

interface Sample {
  at: number;
  ms: number;
  error?: string;
}

export interface ProbeFigures {
  samples: number;
  errors: number;
  lastError?: string;
  p50: number;
  p95: number;
  max: number;
  /** Answers slower than 1 s (S10 asks /healthz to answer within a second). */
  overOneSecond: number;
}

export interface WatchWindow {
  seconds: number;
  freezeMs: number;
  probes: Record<string, ProbeFigures>;
  freezes: Freeze[];
  /** The longest stall of this process's event loop in the window. */
  ownLagMaxMs: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const message = (err: unknown) => String((err as Error)?.message ?? err).slice(0, 200);

export class Watcher {
  private readonly samples = new Map<string, Sample[]>();
  readonly freezes: Freeze[] = [];
  private readonly lags: { at: number; ms: number }[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  private lagTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly probes: Probe[],
    readonly o: { intervalMs: number; freezeMs: number },
  ) {
    for (const p of probes) this.samples.set(p.name, []);
  }

  start(): void {
    this.running = true;
    let expected = Date.now() + 100;
    this.lagTimer = setInterval(() => {
      const lag = Date.now() - expected;
      if (lag > 250) this.lags.push({ at: Date.now(), ms: lag });
      expected = Date.now() + 100;
    }, 100);
    this.loops = this.probes.map((p) => this.loop(p));
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.lagTimer);
    await Promise.all(this.loops);
  }

  private ownLag(from: number, to: number): number {
    return this.lags.filter((l) => l.at >= from && l.at - l.ms <= to).reduce((m, l) => Math.max(m, l.ms), 0);
  }

  private async loop(p: Probe): Promise<void> {
    const { freezeMs, intervalMs } = this.o;
    while (this.running) {
      const started = Date.now();
      const abort = new AbortController();
      const timers: NodeJS.Timeout[] = [];
      const hung = new Promise<string>((r) => {
        timers.push(setTimeout(() => abort.abort(new Error(`no answer in ${freezeMs} ms`)), freezeMs));
        timers.push(setTimeout(() => r(`never came back (${freezeMs + 2_000} ms)`), freezeMs + 2_000));
      });
      const error = await Promise.race([
        p.check(abort.signal).then(
          () => undefined,
          (err: unknown) => message(err),
        ),
        hung,
      ]);
      timers.forEach(clearTimeout);
      const ms = Date.now() - started;
      this.samples.get(p.name)!.push({ at: started, ms, ...(error ? { error } : {}) });
      if (ms >= freezeMs)
        this.freezes.push({
          probe: p.name,
          at: new Date(started).toISOString(),
          ms,
          ...(error ? { error } : {}),
          ownLagMs: this.ownLag(started, Date.now()),
        });
      await sleep(Math.max(0, intervalMs - ms));
    }
  }

  /** Figures of the samples taken since `from` (epoch ms). */
  since(from: number): WatchWindow {
    const probes: Record<string, ProbeFigures> = {};
    for (const [name, all] of this.samples) {
      const list = all.filter((s) => s.at >= from);
      const ms = list.map((s) => s.ms).sort((a, b) => a - b);
      const errors = list.filter((s) => s.error);
      probes[name] = {
        samples: list.length,
        errors: errors.length,
        ...(errors.length ? { lastError: errors.at(-1)!.error } : {}),
        p50: percentile(ms, 50),
        p95: percentile(ms, 95),
        max: ms.at(-1) ?? NaN,
        overOneSecond: ms.filter((x) => x > 1_000).length,
      };
    }
    return {
      seconds: (Date.now() - from) / 1000,
      freezeMs: this.o.freezeMs,
      probes,
      freezes: this.freezes.filter((f) => Date.parse(f.at) >= from),
      ownLagMaxMs: this.lags.filter((l) => l.at >= from).reduce((m, l) => Math.max(m, l.ms), 0),
    };
  }
}

async function httpCheck(url: string, signal: AbortSignal, headers: Record<string, string> = {}) {
  const res = await fetch(url, { signal, headers });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`HTTP ${res.status} ${text.slice(0, 120)}`);
  return text;
}

/** Connects, reads the SMTP greeting (220) and says QUIT. */
function smtpBanner(host: string, port: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    signal.addEventListener('abort', () => fail(new Error('SMTP: no greeting in time')), { once: true });
    socket.once('error', fail);
    socket.once('data', (chunk) => {
      if (!chunk.toString().startsWith('220')) return fail(new Error(`SMTP greeting ${chunk.toString()}`));
      socket.end('QUIT\r\n');
      resolve();
    });
  });
}

/**
 * The probes of a local stack. `recentTicket` names a complaint to read (the newest filed);
 * `versions` sees every page of the complaint list the read-model probe gets.
 */
export function stackProbes(
  stack: Stack,
  o: { freezeMs: number; recentTicket: () => string | undefined; versions: VersionWatch },
): { probes: Probe[]; close(): Promise<void> } {
  const api = stack.urls.api;
  const auth = { authorization: `Bearer ${KEYS.supervisor}` };
  let temporal: Promise<Connection> | undefined;
  let db: mongoose.Connection | undefined;
  const withTemporal = async <T>(fn: (c: Connection) => Promise<T>): Promise<T> => {
    temporal ??= Connection.connect({
      address: stack.env.TEMPORAL_ADDRESS!,
      connectTimeout: o.freezeMs,
    }).catch((err: unknown) => {
      temporal = undefined; // the next probe connects again
      throw err;
    });
    const c = await temporal;
    return c.withDeadline(Date.now() + o.freezeMs, () => fn(c));
  };
  const probes: Probe[] = [
    { name: 'healthz', check: async (signal) => void (await httpCheck(`${api}/healthz`, signal)) },
    {
      name: 'temporal',
      check: () => withTemporal((c) => c.workflowService.getSystemInfo({})).then(() => undefined),
    },
    {
      // The worker polls its task queue; a worker that stopped polling leaves complaints unmoved.
      name: 'worker',
      check: async () => {
        const q = await withTemporal((c) =>
          c.workflowService.describeTaskQueue({
            namespace: stack.env.TEMPORAL_NAMESPACE ?? 'default',
            taskQueue: { name: stack.env.TEMPORAL_TASK_QUEUE ?? 'complaints' },
            taskQueueType: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
          }),
        );
        // A long poll lasts up to a minute when there is nothing to do.
        const seen = (q.pollers ?? []).map((p) => Number(p.lastAccessTime?.seconds ?? 0) * 1000);
        if (!seen.some((at) => Date.now() - at < 90_000)) throw new Error('no worker polled in 90 s');
      },
    },
    {
      name: 'database',
      check: async () => {
        try {
          db ??= mongoose.createConnection(stack.env.MONGODB_URI!, {
            serverSelectionTimeoutMS: o.freezeMs,
            socketTimeoutMS: 2 * o.freezeMs,
            maxPoolSize: 2,
          });
          await db.asPromise();
          await db.db!.admin().command({ ping: 1 }, { timeoutMS: o.freezeMs });
          await db
            .db!.collection('complaints')
            .findOne({}, { projection: { _id: 1 }, maxTimeMS: o.freezeMs });
        } catch (err) {
          await db?.close(true).catch(() => undefined);
          db = undefined;
          throw err;
        }
      },
    },
    {
      name: 'mail sink',
      check: async (signal) => {
        await smtpBanner(stack.env.SMTP_HOST ?? '127.0.0.1', Number(stack.env.SMTP_PORT), signal);
        await httpCheck(`${stack.urls.mailInbox}/healthz`, signal);
      },
    },
    {
      name: 'twilio sim',
      check: async (signal) => void (await httpCheck(`${stack.urls.twilioSim}/healthz`, signal)),
    },
    {
      // The newest complaints, as a worklist page shows them: their versions must never go back.
      name: 'complaint list',
      check: async (signal) => {
        const list = JSON.parse(await httpCheck(`${api}/v1/complaints?limit=50`, signal, auth)) as {
          items: { ticketId: string; version: number }[];
        };
        const back = o.versions.observe(new Map(list.items.map((i) => [i.ticketId, { version: i.version }])));
        // A version seen going back: ask for the complaint by id at once, to tell a stale or torn
        // read of the list (the complaint answers the higher version again) from a write that
        // went back (it answers the lower one).
        for (const r of back) {
          try {
            const one = JSON.parse(await httpCheck(`${api}/v1/complaints/${r.ticketId}`, signal, auth)) as {
              version?: number;
            };
            r.thenVersion = one.version ?? 'no version';
          } catch (err) {
            r.thenVersion = `read failed: ${(err as Error).message}`;
          }
        }
      },
    },
    {
      name: 'complaint read',
      check: async (signal) => {
        const id = o.recentTicket();
        if (id) await httpCheck(`${api}/v1/complaints/${id}`, signal, auth);
      },
    },
  ];
  return {
    probes,
    async close() {
      await db?.close(true).catch(() => undefined);
      await (await temporal?.catch(() => undefined))?.close();
    },
  };
}
