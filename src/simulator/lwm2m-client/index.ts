/**
 * The reference LwM2M client: Zephyr v4.0's `lwm2m_client` sample (LwM2M 1.0 or 1.1 build) as
 * a process-local simulator over real UDP. It registers with the server it is given, answers
 * device-management requests, notifies observers, accepts block-wise firmware pushes, and can
 * carry LwM2M fault profiles. Several clients can run at once (distinct endpoints and ports).
 *
 * Where Zephyr v4.0 breaks a rule the harness checks, the simulator follows the rule and the
 * Zephyr behaviour is a fault profile: Execute on a non-executable resource (Zephyr 4.04,
 * `lwm2m-execute-not-found`), a payload marker before an empty payload (`lwm2m-empty-payload-marker`),
 * NON requests dropped (`lwm2m-ignores-non`), 5.00 to an Observe without a token
 * (`lwm2m-observe-empty-token-5-00`).
 * Zephyr's other choices are kept: TLV default in 1.0 and SenML CBOR in 1.1, CON notifications,
 * 2.31 Continue with Block1 M=0, 5.00 when no instance slot is free, no `b=` for plain UDP.
 * @see docs/spec/lwm2m.md; captures lwm2m-registrations.jsonl, lwm2m-operations.jsonl
 */
import { parsePath, type Lwm2mPath } from '../../codec/lwm2m/path.ts';
import { ConfigError } from '../../errors.ts';
import { Lwm2mClient, type RebootMode } from './client.ts';
import { DEFAULT_CON_TIMING, type ConTiming, type Peer } from './coap-socket.ts';
import { Lwm2mFaults } from './faults.ts';
import type { RegistrationEvent } from './registration.ts';
import type { BootstrapEvent } from './bootstrap.ts';
import type { Lwm2mVersion } from './sample.ts';
import type { DtlsCredentials } from './dtls-links.ts';
import type { Block1Negotiation } from './dm-context.ts';
import type { PackageCheck } from './firmware-package.ts';

export { LWM2M_FAULT_PROFILES } from './faults.ts';
export type { Lwm2mVersion } from './sample.ts';
export type { RegistrationEvent } from './registration.ts';
export type { RebootMode } from './client.ts';
export type { BootstrapEvent } from './bootstrap.ts';
export type { DmAccount } from './bootstrap-handler.ts';

/** How to start one simulated client. */
export interface Lwm2mClientSimulatorOptions {
  /** The LwM2M server: `coap://HOST:PORT` or a host/port pair (optional with `bootstrap`). */
  server?: string | { host: string; port: number };
  /** Start from this bootstrap server (`coap://HOST:PORT`): Bootstrap-Request, then register with the server it writes. */
  bootstrap?: string | { host: string; port: number };
  /** How long a bootstrap waits for Bootstrap-Finish before requesting again (default 60 000 ms). */
  bootstrapTimeoutMs?: number;
  /** With `bootstrap`: consecutive refused or unanswered Registers before falling back to bootstrap (default 3; ETS int-7). */
  bootstrapAfterFailures?: number;
  /** Endpoint client name (`ep=`); default `native_sim` (1.0) or `native_sim_lwm2m11` (1.1). */
  endpoint?: string;
  /** Registration lifetime in seconds (default 30, as the captured sample). */
  lifetimeS?: number;
  /** Enabler version (default 1.1). */
  version?: Lwm2mVersion;
  /** LwM2M fault profile names. */
  faults?: string[];
  /** Local address to bind (default 127.0.0.1, or ::1 for an IPv6 server); port 0 = any. */
  localAddress?: string;
  localPort?: number;
  /** CON retransmission timing (RFC 7252 defaults). */
  timing?: Partial<ConTiming>;
  /** Execute /3/0/4: `restart` (default) registers anew; `log` only answers 2.04, as the Zephyr sample does. */
  reboot?: RebootMode;
  /** Wait before retrying a refused or unanswered Register (default 5000 ms). */
  registerRetryMs?: number;
  /** Delay of the Update after a Lifetime write or Create/Delete (default 220 ms, as captured). */
  updateDelayMs?: number;
  /** Largest response payload before Block2 (default 1024). */
  blockSizeBytes?: number;
  /**
   * The client's own Block1 size, 16-1024 bytes (default 512): a server that pushes larger
   * blocks is negotiated down to it (see `block1Negotiation`).
   */
  block1SizeBytes?: number;
  /**
   * How a larger Block1 block is negotiated down: `4.13` (default) refuses it with Block1 in the
   * client's size and the server restarts smaller (RFC 7959 §2.9.3); `2.31` takes the first block
   * whole and names the client's size in 2.31 Continue, the server going on at that size (RFC 7959
   * §2.5, as Zephyr's CoAP library acknowledges with the smaller of the two sizes).
   */
  block1Negotiation?: Block1Negotiation;
  /**
   * Integrity check of a downloaded package: `mcuboot` (default) checks an image that starts
   * with the MCUboot magic (hash TLV), as an MCUboot build does; `blob` takes any bytes but checks
   * the package is as long as the Size1 the server announced; `none` takes any bytes, as the
   * plain Zephyr sample does (it only logs a CRC).
   */
  packageCheck?: PackageCheck;
  /** Largest firmware package (default 1 MiB). */
  maxPackageBytes?: number;
  /**
   * How the client secures CoAP, as targets.json's `lwm2m.security` says: `psk` speaks DTLS 1.2
   * (TLS_PSK_WITH_AES_128_CCM_8) with this identity and hex key; absent or `nosec`: plain CoAP.
   */
  security?: { mode: 'psk'; identity: string; key: string } | { mode: 'nosec' };
}

/** A started simulated client. */
export interface RunningLwm2mClient {
  readonly endpoint: string;
  readonly version: Lwm2mVersion;
  /** The client's bound UDP address. */
  readonly localAddress: { host: string; port: number };
  /** Registration events so far (register, update, failures, de-register). */
  readonly events: readonly RegistrationEvent[];
  /**
   * The first registration event of a kind at index `since` or later in `events` (default 0:
   * an event already seen counts), waiting for it when there is none yet; rejects after `timeoutMs`.
   */
  waitFor(kind: RegistrationEvent['kind'], timeoutMs?: number, since?: number): Promise<RegistrationEvent>;
  /** Bootstrap events so far (empty without `bootstrap`). */
  readonly bootstrapEvents: readonly BootstrapEvent[];
  /** The first bootstrap event of a kind (index `since` or later), waiting up to `timeoutMs`. */
  waitForBootstrap(kind: BootstrapEvent['kind'], timeoutMs?: number, since?: number): Promise<BootstrapEvent>;
  /** Send (1.1) the values of these paths (`/3/0/0` form) to the server's /dp; resolves with its response code or `muted`. */
  send(paths: readonly string[]): Promise<string>;
  /** The client itself (data model, firmware state) for in-process tests. */
  readonly client: Lwm2mClient;
  /** De-register (when registered) and close. Safe to call twice. */
  stop(): Promise<void>;
}

/** Parse `coap://HOST:PORT` or `coaps://HOST:PORT` (IPv6 in brackets). */
export function parseServerUri(uri: string, pointer = '/server'): Peer {
  const m = /^coaps?:\/\/(\[[0-9a-fA-F:.]+\]|[^:/[\]]+):(\d{1,5})\/?$/.exec(uri);
  const port = Number(m?.[2]);
  if (m === null || port < 1 || port > 65535) throw new ConfigError(`${pointer.slice(1)} must be coap://HOST:PORT or coaps://HOST:PORT, got "${uri}"`, pointer);
  return { address: m[1]!.replace(/^\[|\]$/g, ''), port };
}

/** Start one simulated client; it registers at once. Throws ConfigError for bad options. */
export async function startLwm2mClientSimulator(options: Lwm2mClientSimulatorOptions): Promise<RunningLwm2mClient> {
  const bootstrap = options.bootstrap === undefined ? undefined : typeof options.bootstrap === 'string' ? parseServerUri(options.bootstrap, '/bootstrap') : { address: options.bootstrap.host, port: options.bootstrap.port };
  const configured = options.server === undefined ? undefined : typeof options.server === 'string' ? parseServerUri(options.server) : { address: options.server.host, port: options.server.port };
  const server = configured ?? bootstrap;
  if (server === undefined) throw new ConfigError('server or bootstrap is required', '/server');
  const faults = Lwm2mFaults.parse(options.faults ?? []);
  if (!faults.ok) throw new ConfigError(faults.error, '/faults');
  const version = options.version ?? '1.1';
  if (version !== '1.0' && version !== '1.1') throw new ConfigError(`version must be 1.0 or 1.1, got "${String(version)}"`, '/version');
  const lifetimeS = options.lifetimeS ?? 30;
  if (!Number.isInteger(lifetimeS) || lifetimeS < 1) throw new ConfigError(`lifetimeS must be an integer >= 1, got ${lifetimeS}`, '/lifetimeS');
  const endpoint = options.endpoint ?? (version === '1.0' ? 'native_sim' : 'native_sim_lwm2m11');
  const dtls = dtlsCredentials(options.security, faults.value);
  for (const [key, uri] of [['server', options.server], ['bootstrap', options.bootstrap]] as const) {
    if (typeof uri === 'string' && uri.startsWith('coaps:') && dtls === undefined) throw new ConfigError(`${key} ${uri} is CoAPs: the client needs security {"mode": "psk", "identity", "key"}`, `/${key}`);
  }
  const block1SizeBytes = options.block1SizeBytes ?? 512;
  if (![16, 32, 64, 128, 256, 512, 1024].includes(block1SizeBytes)) throw new ConfigError(`block1SizeBytes must be a power of two from 16 to 1024, got ${block1SizeBytes}`, '/block1SizeBytes');
  if (!['4.13', '2.31', undefined].includes(options.block1Negotiation)) throw new ConfigError(`block1Negotiation must be "4.13" or "2.31", got ${JSON.stringify(options.block1Negotiation)}`, '/block1Negotiation');
  if (!['mcuboot', 'blob', 'none', undefined].includes(options.packageCheck)) throw new ConfigError(`packageCheck must be "mcuboot", "blob" or "none", got ${JSON.stringify(options.packageCheck)}`, '/packageCheck');
  const client = new Lwm2mClient({
    server, endpoint, lifetimeS, version, faults: faults.value,
    localAddress: options.localAddress ?? (server.address.includes(':') ? '::1' : '127.0.0.1'),
    localPort: options.localPort ?? 0,
    timing: { ...DEFAULT_CON_TIMING, ...options.timing },
    rebootMode: options.reboot ?? 'restart',
    registerRetryMs: options.registerRetryMs ?? 5000,
    updateDelayMs: options.updateDelayMs ?? 220,
    blockSizeBytes: options.blockSizeBytes ?? 1024,
    block1SizeBytes,
    block1Negotiation: options.block1Negotiation ?? '4.13',
    packageCheck: options.packageCheck ?? 'mcuboot',
    maxPackageBytes: options.maxPackageBytes ?? 1 << 20,
    ...(bootstrap === undefined ? {} : { bootstrap, bootstrapTimeoutMs: options.bootstrapTimeoutMs ?? 60_000, bootstrapAfterFailures: options.bootstrapAfterFailures ?? 3 }),
    ...(dtls === undefined ? {} : { dtls }),
  });
  await client.start();
  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    version,
    localAddress: { host: client.local.address, port: client.local.port },
    events: client.registration.events,
    client,
    waitFor: (kind, timeoutMs = 10_000, since = 0) => waitForEvent(client, kind, timeoutMs, since),
    bootstrapEvents: client.bootstrap?.events ?? [],
    waitForBootstrap: (kind, timeoutMs = 10_000, since = 0) => waitForBootstrapEvent(client, kind, timeoutMs, since),
    send: (paths) => client.send(paths.map(parseSendPath)),
    stop: () => (stopping ??= client.stop()),
  };
}

/** The PSK the client presents; the `lwm2m-dtls-wrong-psk` fault flips a bit of the key's last byte. */
function dtlsCredentials(security: Lwm2mClientSimulatorOptions['security'], faults: Lwm2mFaults): DtlsCredentials | undefined {
  if (security === undefined || security.mode === 'nosec') return undefined;
  if (security.mode !== 'psk' || !/^([0-9a-fA-F]{2}){1,64}$/.test(security.key)) throw new ConfigError('security must be {"mode": "psk", "identity": text, "key": hex} or {"mode": "nosec"}', '/security');
  const psk = new Uint8Array(Buffer.from(security.key, 'hex'));
  if (faults.has('lwm2m-dtls-wrong-psk')) psk[psk.length - 1]! ^= 0x01;
  return { identity: new Uint8Array(Buffer.from(security.identity, 'utf8')), psk };
}

function parseSendPath(text: string): Lwm2mPath {
  const parsed = parsePath(text);
  if (!parsed.ok) throw new ConfigError(`bad LwM2M path "${text}"`, '/paths');
  return parsed.value;
}

function waitForEvent(client: Lwm2mClient, kind: RegistrationEvent['kind'], timeoutMs: number, since: number): Promise<RegistrationEvent> {
  const seen = client.registration.events.slice(since).find((e) => e.kind === kind);
  if (seen !== undefined) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error(`no ${kind} event within ${timeoutMs} ms`)); }, timeoutMs);
    const stop = client.registration.onEvent((e) => {
      if (e.kind !== kind) return;
      clearTimeout(timer);
      stop();
      resolve(e);
    });
  });
}

function waitForBootstrapEvent(client: Lwm2mClient, kind: BootstrapEvent['kind'], timeoutMs: number, since: number): Promise<BootstrapEvent> {
  const bootstrap = client.bootstrap;
  if (bootstrap === undefined) return Promise.reject(new Error('the client was not started from a bootstrap server'));
  const seen = bootstrap.events.slice(since).find((e) => e.kind === kind);
  if (seen !== undefined) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error(`no ${kind} event within ${timeoutMs} ms`)); }, timeoutMs);
    const stop = bootstrap.onEvent((e) => {
      if (e.kind !== kind) return;
      clearTimeout(timer);
      stop();
      resolve(e);
    });
  });
}
export { startManyLwm2mClients, MAX_CLIENTS, PSK_INDEX_PLACEHOLDER, type ManyLwm2mClients, type ManyLwm2mClientsOptions } from './many-clients.ts';
