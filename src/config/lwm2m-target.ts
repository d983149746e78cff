/**
 * The `lwm2m` block of a target: where the harness, as LwM2M server, listens for the device (the
 * LwM2M client) and which endpoint name the device registers with. Checked as strictly as the
 * `smp` connection string: unknown keys, a scheme other than coap://, a missing host or port are
 * errors with their JSON pointer.
 * @see docs/spec/lwm2m.md
 */
import { ConfigChecker, describeJson } from './checker.ts';

/** How long a device gets to register after it was started, unless the target says otherwise. */
export const DEFAULT_REGISTRATION_TIMEOUT_MS = 30_000;

/** The LwM2M side of a target (defaults filled in). */
export interface Lwm2mTargetOptions {
  /** The server socket the harness binds: `coap://HOST:PORT`; port 0 = an ephemeral port. */
  listen: string;
  /** Endpoint client name the device registers with. */
  endpoint: string;
  registrationTimeoutMs: number;
  /**
   * The harness is also the Bootstrap-Server (on the listen host, this UDP port; 0 = ephemeral):
   * the device is pointed at it and registers with the account the bootstrap writes.
   * @see docs/spec/lwm2m.md §2.3
   */
  bootstrap?: { port: number };
}

const LWM2M_KEYS = ['listen', 'endpoint', 'registrationTimeoutMs', 'bootstrap'] as const;
const BOOTSTRAP_KEYS = ['enabled', 'port'] as const;

/** Host and port of a `coap://HOST:PORT` listen address, or a problem description. */
export function parseListenAddress(s: string): { host: string; port: number } | string {
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return `expected a listen address like coap://127.0.0.1:5683, got ${describeJson(s)}`;
  }
  if (url.protocol !== 'coap:') return `unknown scheme '${url.protocol.replace(/:$/, '')}' (expected coap://)`;
  if (url.hostname === '') return `${describeJson(s)} has no host`;
  // coap: is not a special scheme to URL, so the port is kept as written; '' means none was given.
  if (url.port === '') return `${describeJson(s)} has no port (use :0 for an ephemeral one)`;
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') return `${describeJson(s)} must be only coap://HOST:PORT`;
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return { host, port: Number(url.port) };
}

/** Check a target's `lwm2m` value at `at`; undefined after recording problems. */
export function checkLwm2m(c: ConfigChecker, value: unknown, at: string): Lwm2mTargetOptions | undefined {
  const o = c.object(value, at);
  if (!o) return undefined;
  const before = c.errors.length;
  c.onlyKeys(o, at, LWM2M_KEYS);
  let listen: string | undefined;
  if (o['listen'] === undefined) c.problem(`${at}/listen`, 'needs the server address to listen on, like coap://127.0.0.1:5683');
  else {
    listen = c.string(o['listen'], `${at}/listen`);
    const parsed = listen === undefined ? undefined : parseListenAddress(listen);
    if (typeof parsed === 'string') c.problem(`${at}/listen`, parsed);
  }
  let endpoint: string | undefined;
  if (o['endpoint'] === undefined) c.problem(`${at}/endpoint`, 'needs the endpoint client name the device registers with');
  else endpoint = c.string(o['endpoint'], `${at}/endpoint`);
  const timeout = o['registrationTimeoutMs'] === undefined ? DEFAULT_REGISTRATION_TIMEOUT_MS : c.positiveInteger(o['registrationTimeoutMs'], `${at}/registrationTimeoutMs`);
  const bootstrap = o['bootstrap'] === undefined ? undefined : checkBootstrap(c, o['bootstrap'], `${at}/bootstrap`);
  if (c.errors.length > before || listen === undefined || endpoint === undefined || timeout === undefined) return undefined;
  return { listen, endpoint, registrationTimeoutMs: timeout, ...(bootstrap === undefined || bootstrap === 'off' ? {} : { bootstrap }) };
}

/** The `bootstrap` block: `{ "enabled": true, "port": 0 }` (both optional); 'off' when disabled. */
function checkBootstrap(c: ConfigChecker, value: unknown, at: string): { port: number } | 'off' | undefined {
  const o = c.object(value, at);
  if (!o) return undefined;
  c.onlyKeys(o, at, BOOTSTRAP_KEYS);
  const enabled = o['enabled'] === undefined ? true : c.boolean(o['enabled'], `${at}/enabled`);
  const port = o['port'];
  if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)) c.problem(`${at}/port`, `expected a UDP port 0..65535, got ${describeJson(port)}`);
  if (enabled === false) return 'off';
  return { port: typeof port === 'number' ? port : 0 };
}
