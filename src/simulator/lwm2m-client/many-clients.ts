/**
 * Many simulated LwM2M clients in one process, so the server side can be measured at scale:
 * distinct endpoint names and ports (one UDP socket each, so N clients hold N descriptors),
 * start-ups spread over a window instead of all at once (no thundering herd of Registers), one
 * stop that de-registers and closes them all. Over DTLS every client runs its own association;
 * they share the PSK, and the PSK identity too unless it holds `{i}`, which becomes the
 * client's index (`dev-{i}` → `dev-0`, `dev-1`, …).
 * @see docs/spec/lwm2m.md §2.4, §8
 */
import { ConfigError } from '../../errors.ts';
import { startLwm2mClientSimulator, type Lwm2mClientSimulatorOptions, type RunningLwm2mClient } from './index.ts';
import type { Lwm2mVersion } from './sample.ts';

/** In a shared PSK identity, replaced by each client's index. */
export const PSK_INDEX_PLACEHOLDER = '{i}';

/** Largest client count one call starts (each holds a socket and its timers). */
export const MAX_CLIENTS = 10_000;

/** How to start N clients; every other option applies to each client. */
export interface ManyLwm2mClientsOptions extends Omit<Lwm2mClientSimulatorOptions, 'endpoint' | 'localPort' | 'version'> {
  count: number;
  /** Endpoint names are `<prefix><index>` (default `sim-`). */
  endpointPrefix?: string;
  /** Enabler version of every client, or `mixed` (1.1 for even indexes, 1.0 for odd). Default 1.1. */
  version?: Lwm2mVersion | 'mixed';
  /** Window over which the starts are spread evenly, ms (default 2 ms per client; 0 = all at once). */
  spreadMs?: number;
}

/** The running clients. */
export interface ManyLwm2mClients {
  readonly clients: readonly RunningLwm2mClient[];
  readonly endpoints: readonly string[];
  /** `performance.now()` at each client's start, by index. */
  readonly startedAtMs: readonly number[];
  /** Resolves once every client has registered; rejects after `timeoutMs` saying how many did not, or when `stop` is called first. */
  waitAllRegistered(timeoutMs: number): Promise<void>;
  /** De-register and close every client. Safe to call twice. */
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Start `count` clients, spread over `spreadMs`. A failed start stops the ones already running and rethrows. */
export async function startManyLwm2mClients(options: ManyLwm2mClientsOptions): Promise<ManyLwm2mClients> {
  const { count, endpointPrefix = 'sim-', version = '1.1', spreadMs = count * 2, ...each } = options;
  if (!Number.isInteger(count) || count < 1 || count > MAX_CLIENTS) throw new ConfigError(`count must be an integer 1-${MAX_CLIENTS}, got ${count}`, '/count');
  if (!(spreadMs >= 0)) throw new ConfigError(`spreadMs must be >= 0, got ${spreadMs}`, '/spreadMs');
  const endpoints = Array.from({ length: count }, (_, i) => `${endpointPrefix}${i}`);
  const slots: (RunningLwm2mClient | undefined)[] = new Array(count).fill(undefined);
  const startedAtMs: number[] = new Array(count).fill(Number.NaN);
  const origin = performance.now();
  const starts = endpoints.map(async (endpoint, i) => {
    const wait = origin + (spreadMs * i) / count - performance.now();
    if (wait > 0) await sleep(wait);
    startedAtMs[i] = performance.now();
    const v: Lwm2mVersion = version === 'mixed' ? (i % 2 === 0 ? '1.1' : '1.0') : version;
    slots[i] = await startLwm2mClientSimulator({ ...each, ...securityOf(each.security, i), endpoint, version: v });
  });
  const settled = await Promise.allSettled(starts);
  const started = slots.filter((c): c is RunningLwm2mClient => c !== undefined);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) {
    await Promise.all(started.map((c) => c.stop()));
    throw failure.reason;
  }
  let stopping: Promise<void> | undefined;
  const stops = new Set<() => void>();
  return {
    clients: started,
    endpoints,
    startedAtMs,
    waitAllRegistered: (timeoutMs) => waitAll(started, timeoutMs, stops),
    stop: () => {
      for (const end of [...stops]) end();
      return (stopping ??= Promise.all(started.map((c) => c.stop())).then(() => undefined));
    },
  };
}

/** The client's security block: its own PSK identity when the shared one holds `{i}`. */
function securityOf(security: ManyLwm2mClientsOptions['security'], index: number): Pick<ManyLwm2mClientsOptions, 'security'> {
  if (security === undefined) return {};
  if (security.mode !== 'psk' || !security.identity.includes(PSK_INDEX_PLACEHOLDER)) return { security };
  return { security: { ...security, identity: security.identity.replaceAll(PSK_INDEX_PLACEHOLDER, String(index)) } };
}

/**
 * One timer and one event subscription per client still registering (not one timed wait per
 * client), all dropped when the wait ends, so a stop leaves nothing that keeps the process alive.
 */
function waitAll(clients: readonly RunningLwm2mClient[], timeoutMs: number, stops: Set<() => void>): Promise<void> {
  const pending = clients.filter((c) => !c.events.some((e) => e.kind === 'registered'));
  if (pending.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    let missing = pending.length;
    const unsubscribes: (() => void)[] = [];
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      stops.delete(onStop);
      for (const u of unsubscribes) u();
      if (error) reject(error);
      else resolve();
    };
    const onStop = (): void => finish(new Error(`stopped while ${missing} of ${clients.length} clients had not registered`));
    const timer = setTimeout(() => finish(new Error(`${missing} of ${clients.length} clients did not register within ${timeoutMs} ms`)), timeoutMs);
    stops.add(onStop);
    for (const c of pending) {
      let isDone = false;
      unsubscribes.push(c.client.registration.onEvent((e) => {
        if (e.kind !== 'registered' || isDone) return;
        isDone = true;
        if (--missing === 0) finish();
      }));
    }
  });
}
