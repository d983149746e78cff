/**
 * The `lwm2m` block of a target: where the harness, as LwM2M server, listens for the device (the
 * LwM2M client) and which endpoint name the device registers with. Checked as strictly as the
 * `smp` connection string: unknown keys, a scheme other than coap:// (NoSec) or coaps:// (DTLS-PSK), a
 * missing host or port, a security block that does not match the scheme are errors with their
 * JSON pointer.
 * @see docs/spec/lwm2m.md
 */
import { ConfigChecker, describeJson } from './checker.ts';

/** How long a device gets to register after it was started, unless the target says otherwise. */
export const DEFAULT_REGISTRATION_TIMEOUT_MS = 30_000;

/** The LwM2M side of a target (defaults filled in). */
export interface Lwm2mTargetOptions {
  /** The server socket the harness binds: `coap://HOST:PORT` (`coaps://` with DTLS); port 0 = an ephemeral port. */
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
  /** How the device secures its CoAP traffic; absent means NoSec. */
  security?: Lwm2mSecurity;
  /** What the device's Firmware Update object takes (targets.json `lwm2m.firmware`). */
  firmware?: Lwm2mFirmwareCapability;
  /**
   * NSTART: the harness's CON requests outstanding to the device at once (RFC 7252 §4.7;
   * absent: the RFC's default, 1). Later requests wait for an earlier one's ACK or response.
   */
  nstart?: number;
}

/** The kinds of firmware package a client takes (targets.json `lwm2m.firmware.package`). */
export const LWM2M_FIRMWARE_PACKAGES = ['mcuboot', 'blob'] as const;

/**
 * The `lwm2m.firmware` block: which package the Firmware Update object takes. `mcuboot`: MCUboot
 * images, checked by their hash TLV; `blob`: opaque bytes, checked by their length against the
 * Size1 the push announced. The integrity case pushes a corrupt package of that kind.
 * @see docs/spec/lwm2m.md §4.6
 */
export interface Lwm2mFirmwareCapability {
  package: (typeof LWM2M_FIRMWARE_PACKAGES)[number];
}

/**
 * What the built-in simulator's LwM2M client states per version: the 1.0 build takes blobs (as
 * the plain Zephyr sample, which checks no image), the 1.1 build MCUboot images, so a default
 * run exercises both integrity variants.
 */
export function simLwm2mFirmware(version: '1.0' | '1.1'): Lwm2mFirmwareCapability {
  return { package: version === '1.0' ? 'blob' : 'mcuboot' };
}

/**
 * The `lwm2m.security` block: NoSec (plain CoAP) or DTLS 1.2 with a pre-shared key (CoAPs,
 * TLS_PSK_WITH_AES_128_CCM_8). The identity is the device's PSK identity as text; the key is hex.
 * @see docs/spec/lwm2m.md §7.2
 */
export type Lwm2mSecurity = { mode: 'nosec' } | { mode: 'psk'; identity: string; key: string };

/** The key of a PSK security block as bytes. */
export function pskKeyBytes(security: Extract<Lwm2mSecurity, { mode: 'psk' }>): Uint8Array {
  return new Uint8Array(Buffer.from(security.key, 'hex'));
}

/** True when the target's LwM2M traffic runs over DTLS. */
export function usesDtls(lwm2m: Pick<Lwm2mTargetOptions, 'security'> | undefined): boolean {
  return lwm2m?.security?.mode === 'psk';
}

const LWM2M_KEYS = ['listen', 'endpoint', 'registrationTimeoutMs', 'security', 'bootstrap', 'firmware', 'nstart'] as const;
const FIRMWARE_KEYS = ['package'] as const;
/** Largest `nstart` a target may set. */
const MAX_TARGET_NSTART = 1024;
const BOOTSTRAP_KEYS = ['enabled', 'port'] as const;
const SECURITY_KEYS = ['mode', 'identity', 'key'] as const;
/** Longest PSK RFC 4279 §5.3 requires implementations to accept (64 bytes). */
const MAX_PSK_BYTES = 64;

/** Problem with a hex key (without repeating the secret), or undefined when it is fine. */
export function pskKeyProblem(key: string): string | undefined {
  if (key.length === 0) return 'expected the pre-shared key as hex digits, got an empty string';
  const bad = /[^0-9a-fA-F]/.exec(key);
  if (bad) return `expected the pre-shared key as hex digits, found ${JSON.stringify(bad[0])} at character ${bad.index + 1}`;
  if (key.length % 2 !== 0) return `expected an even number of hex digits (whole bytes), got ${key.length}`;
  if (key.length / 2 > MAX_PSK_BYTES) return `a pre-shared key of ${key.length / 2} bytes is longer than ${MAX_PSK_BYTES} (RFC 4279 §5.3)`;
  return undefined;
}

/**
 * Cross-field rules of `lwm2m.security` against the listen scheme: "psk" needs identity and key
 * and listens on coaps://; "nosec" takes neither and listens on coap://. `raw` passed the schema.
 */
export function checkLwm2mSecurity(c: ConfigChecker, raw: { mode: string; identity?: string; key?: string } | undefined, listen: string | undefined, at: string): Lwm2mSecurity | undefined {
  const scheme = listen === undefined ? undefined : /^([a-z]+):/.exec(listen)?.[1];
  const mode = raw?.mode ?? 'nosec';
  const before = c.errors.length;
  if (mode === 'psk') {
    if (raw?.identity === undefined) c.problem(`${at}/security/identity`, 'mode "psk" needs the PSK identity the device presents');
    if (raw?.key === undefined) c.problem(`${at}/security/key`, 'mode "psk" needs the pre-shared key as hex, like "000102030405060708090a0b0c0d0e0f"');
    else {
      const problem = pskKeyProblem(raw.key);
      if (problem !== undefined) c.problem(`${at}/security/key`, problem);
    }
    if (scheme === 'coap') c.problem(`${at}/listen`, 'security mode "psk" listens for DTLS: use coaps://HOST:PORT (CoAPs, 5684 by default)');
  } else {
    for (const key of ['identity', 'key'] as const) {
      if (raw?.[key] !== undefined) c.problem(`${at}/security/${key}`, `'${key}' belongs to security mode "psk", but the mode is "nosec"`);
    }
    if (scheme === 'coaps') c.problem(`${at}/listen`, 'coaps:// needs "security": {"mode": "psk", "identity": ..., "key": ...}');
  }
  if (c.errors.length > before) return undefined;
  return mode === 'psk' ? { mode: 'psk', identity: raw!.identity!, key: raw!.key!.toLowerCase() } : { mode: 'nosec' };
}

/** RFC 7252 §4.8 parameters of the device's confirmable messages, and where they come from. */
export interface DeviceConTiming {
  ackTimeoutMs: number;
  ackRandomFactor: number;
  maxRetransmit: number;
  /** `RFC 7252 §4.8 defaults`, or the target option that scaled them. */
  source: string;
}


/** Host and port of a `coap://HOST:PORT` listen address, or a problem description. */
export function parseListenAddress(s: string): { host: string; port: number } | string {
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return `expected a listen address like coap://127.0.0.1:5683, got ${describeJson(s)}`;
  }
  if (url.protocol !== 'coap:' && url.protocol !== 'coaps:') return `unknown scheme '${url.protocol.replace(/:$/, '')}' (expected coap:// or coaps://)`;
  if (url.hostname === '') return `${describeJson(s)} has no host`;
  // coap: is not a special scheme to URL, so the port is kept as written; '' means none was given.
  if (url.port === '') return `${describeJson(s)} has no port (use :0 for an ephemeral one)`;
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') return `${describeJson(s)} must be only ${url.protocol}//HOST:PORT`;
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
  let rawSecurity: { mode: string; identity?: string; key?: string } | undefined;
  const so = o['security'] === undefined ? undefined : c.object(o['security'], `${at}/security`);
  if (so) {
    c.onlyKeys(so, `${at}/security`, SECURITY_KEYS);
    const mode = so['mode'];
    if (mode !== 'psk' && mode !== 'nosec') c.problem(`${at}/security/mode`, `expected one of "psk", "nosec", got ${describeJson(mode)}`);
    const identity = so['identity'] === undefined ? undefined : c.string(so['identity'], `${at}/security/identity`);
    const key = so['key'] === undefined ? undefined : c.string(so['key'], `${at}/security/key`);
    rawSecurity = { mode: String(mode), ...(identity === undefined ? {} : { identity }), ...(key === undefined ? {} : { key }) };
  }
  const security = c.errors.length > before ? undefined : checkLwm2mSecurity(c, rawSecurity, listen, at);
  const bootstrap = o['bootstrap'] === undefined ? undefined : checkBootstrap(c, o['bootstrap'], `${at}/bootstrap`);
  const firmware = o['firmware'] === undefined ? undefined : checkFirmware(c, o['firmware'], `${at}/firmware`);
  const nstart = o['nstart'];
  if (nstart !== undefined && (typeof nstart !== 'number' || !Number.isInteger(nstart) || nstart < 1 || nstart > MAX_TARGET_NSTART)) c.problem(`${at}/nstart`, `expected an integer 1..${MAX_TARGET_NSTART} (outstanding CON requests per device; RFC 7252 default 1), got ${describeJson(nstart)}`);
  if (c.errors.length > before || listen === undefined || endpoint === undefined || timeout === undefined) return undefined;
  return { listen, endpoint, registrationTimeoutMs: timeout, ...(so && security ? { security } : {}), ...(bootstrap === undefined || bootstrap === 'off' ? {} : { bootstrap }), ...(firmware ? { firmware } : {}), ...(typeof nstart === 'number' ? { nstart } : {}) };
}

/** The `firmware` block: `{ "package": "mcuboot" | "blob" }` (package optional, mcuboot by default). */
export function checkFirmware(c: ConfigChecker, value: unknown, at: string): Lwm2mFirmwareCapability | undefined {
  const o = c.object(value, at);
  if (!o) return undefined;
  c.onlyKeys(o, at, FIRMWARE_KEYS);
  const kind = o['package'] ?? 'mcuboot';
  if (!LWM2M_FIRMWARE_PACKAGES.includes(kind as Lwm2mFirmwareCapability['package'])) {
    c.problem(`${at}/package`, `expected one of ${LWM2M_FIRMWARE_PACKAGES.map((k) => `"${k}"`).join(', ')}, got ${describeJson(kind)}`);
    return undefined;
  }
  return { package: kind as Lwm2mFirmwareCapability['package'] };
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
