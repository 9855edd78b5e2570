// Starts the services of a local stack in dependency order, each as soon as the services it
// depends on are healthy (independent ones in parallel), and stops them in reverse: a service stops
// once every service that depends on it has stopped.
import type { PortClaim } from './ports';
import type { Running, Service, ServiceContext, StackSetup, StackUrls } from './service';

/** What the running services published, merged in catalogue order. */
export interface Published {
  env: Record<string, string>;
  urls: Partial<StackUrls>;
}

interface Started {
  service: Service;
  running: Running;
}

export class ServiceRegistry {
  /** The services this stack runs, in catalogue order. */
  private readonly services: Service[];
  private readonly started = new Map<string, Started>();

  constructor(catalogue: readonly Service[], setup: StackSetup) {
    this.services = catalogue.filter((s) => s.enabled?.(setup) ?? true);
    assertWellFormed(catalogue, this.services);
  }

  /** The ports the enabled services bind (checked free in fixed mode). */
  portClaims(): Map<string, PortClaim> {
    const claims = new Map<string, PortClaim>();
    for (const service of this.services) {
      for (const [name, spec] of Object.entries(service.ports ?? {})) claims.set(name, { spec, check: true });
    }
    return claims;
  }

  /**
   * Starts every enabled service; `contextFor` builds its context from what its dependencies
   * published. After a failure nothing new starts; the starts under way finish, then everything
   * started is stopped and one error names every failure.
   */
  async startAll(contextFor: (service: Service, deps: Published) => ServiceContext): Promise<void> {
    const pending = [...this.services];
    const inFlight = new Map<string, Promise<string>>();
    const failures: string[] = [];
    for (;;) {
      const ready = failures.length > 0 ? [] : pending.filter((s) => this.dependenciesStarted(s));
      for (const service of ready) {
        pending.splice(pending.indexOf(service), 1);
        const ctx = contextFor(service, this.publishedBy(this.dependenciesOf(service)));
        const start = service.start(ctx).then(
          (running) => void this.started.set(service.name, { service, running }),
          (err: unknown) => void failures.push(err instanceof Error ? err.message : String(err)),
        );
        inFlight.set(
          service.name,
          start.then(() => service.name),
        );
      }
      if (inFlight.size === 0) break;
      inFlight.delete(await Promise.race(inFlight.values()));
    }
    if (failures.length === 0 && pending.length > 0) {
      failures.push(`a dependency cycle among ${pending.map((s) => s.name).join(', ')}`);
    }
    if (failures.length > 0) {
      await this.stopAll();
      throw new Error(`the local stack did not start:\n- ${failures.join('\n- ')}`);
    }
  }

  /** What every running service published. */
  published(): Published {
    return this.publishedBy(this.services);
  }

  /** The running service of that name (one of the alternatives for a part such as `mongo`). */
  running(name: string): Running | undefined {
    return this.started.get(name)?.running;
  }

  /** The running instance of `service`, with its own type (e.g. the worker pool). */
  handle<R extends Running>(service: Service<R>): R | undefined {
    const found = this.started.get(service.name);
    return found?.service === service ? (found.running as R) : undefined;
  }

  /** Stops every started service, dependents first; a service that cannot stop is logged and skipped. */
  async stopAll(): Promise<void> {
    const started = [...this.started.values()];
    this.started.clear();
    // a paused process would not see its stop signal
    started.forEach(({ running }) => running.control?.resume?.());
    const stopping = new Map<string, Promise<void>>();
    const stop = (entry: Started): Promise<void> => {
      const known = stopping.get(entry.service.name);
      if (known) return known;
      const dependents = started.filter(({ service }) => service.dependsOn.includes(entry.service.name));
      const done = Promise.all(dependents.map(stop)).then(() =>
        entry.running
          .stop()
          .catch((err: unknown) =>
            console.error(`[stack] could not stop ${entry.service.name}: ${String(err)}`),
          ),
      );
      stopping.set(entry.service.name, done);
      return done;
    };
    await Promise.all(started.map(stop));
  }

  private dependenciesStarted(service: Service): boolean {
    return service.dependsOn.every((name) => this.started.has(name) || !this.isEnabled(name));
  }

  private isEnabled(name: string): boolean {
    return this.services.some((s) => s.name === name);
  }

  /** The enabled services `service` depends on, directly or not, in catalogue order. */
  private dependenciesOf(service: Service): Service[] {
    const names = new Set<string>();
    const visit = (s: Service): void =>
      s.dependsOn.forEach((name) => {
        if (names.has(name)) return;
        names.add(name);
        this.services.filter((d) => d.name === name).forEach(visit);
      });
    visit(service);
    return this.services.filter((s) => names.has(s.name));
  }

  private publishedBy(services: Service[]): Published {
    const published: Published = { env: {}, urls: {} };
    for (const service of services) {
      const running = this.started.get(service.name)?.running;
      Object.assign(published.env, running?.env);
      Object.assign(published.urls, running?.urls);
    }
    return published;
  }
}

/** Enabled names are unique; every dependency names a service of the catalogue. */
function assertWellFormed(catalogue: readonly Service[], enabled: Service[]): void {
  const names = enabled.map((s) => s.name);
  const twice = names.filter((name, i) => names.indexOf(name) !== i);
  if (twice.length > 0) throw new Error(`local stack: more than one service enabled as ${twice.join(', ')}`);
  const known = new Set(catalogue.map((s) => s.name));
  const unknown = catalogue.flatMap((s) =>
    s.dependsOn.filter((d) => !known.has(d)).map((d) => `${s.name} → ${d}`),
  );
  if (unknown.length > 0) throw new Error(`local stack: unknown dependencies ${unknown.join(', ')}`);
}
