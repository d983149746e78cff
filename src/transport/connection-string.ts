/**
 * Connection strings: `udp://127.0.0.1:1337`, `udp://[::1]:1337`, `udp://localhost:1337`,
 * `serial:///dev/ttyACM0?baud=115200`, `serial:///dev/pts/3?baud=115200&raw=1`,
 * `serial:///dev/ttyACM0?mtu=256` (the device's serial transport MTU, docs/spec/smp.md §4.3).
 * Parsing is hand-written rather than `new URL()`: WHATWG URL rewrites hosts and paths and its
 * errors do not say which part was wrong.
 */
import { isIP } from 'node:net';
import { err, ok, type Result } from '../core/result.ts';

/** A parsed connection string. IPv6 hosts are stored without brackets. */
export type ConnectionSpec =
  | { scheme: 'udp'; host: string; port: number }
  | {
      scheme: 'serial';
      path: string;
      baudRate: number;
      raw: boolean;
      /** Largest SMP packet (header + CBOR) the device's serial transport takes; unset: measured. */
      mtu?: number;
    };

/** Bounds of `?mtu=N`: an SMP header plus a small map, up to the 16-bit length field. */
export const SERIAL_MTU_RANGE = { min: 32, max: 65535 } as const;

/** Baud rate when the string gives none (Zephyr's usual console rate). */
export const DEFAULT_BAUD_RATE = 115200;

const SCHEMES = 'expected udp:// or serial://';
const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/** Parse a connection string; the error is one line naming the problem. */
export function parseConnectionString(s: string): Result<ConnectionSpec, string> {
  const text = s.trim();
  if (text === '') return err(`empty connection string (${SCHEMES})`);
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s.exec(text);
  if (!m) return err(`missing scheme (${SCHEMES}, e.g. udp://127.0.0.1:1337)`);
  const scheme = m[1]!.toLowerCase();
  const rest = m[2]!;
  if (scheme === 'udp') return parseUdp(rest);
  if (scheme === 'serial') return parseSerial(rest);
  return err(`unknown scheme '${m[1]!}' (${SCHEMES})`);
}

/** Split `a?b=c&d=e` into the part before `?` and its parameters; duplicates are an error. */
function splitQuery(rest: string): Result<{ head: string; params: Map<string, string> }, string> {
  const q = rest.indexOf('?');
  const params = new Map<string, string>();
  if (q < 0) return ok({ head: rest, params });
  for (const part of rest.slice(q + 1).split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (params.has(key)) return err(`duplicate query parameter '${key}'`);
    params.set(key, eq < 0 ? '' : part.slice(eq + 1));
  }
  return ok({ head: rest.slice(0, q), params });
}

function parseUdp(rest: string): Result<ConnectionSpec, string> {
  const split = splitQuery(rest);
  if (!split.ok) return split;
  const [firstKey] = split.value.params.keys();
  if (firstKey !== undefined) return err(`unknown query parameter '${firstKey}' for udp:// (it takes none)`);
  let authority = split.value.head;
  const slash = authority.indexOf('/');
  if (slash >= 0) {
    if (authority.slice(slash) !== '/') return err(`unexpected path '${authority.slice(slash)}' after udp host and port`);
    authority = authority.slice(0, slash);
  }
  const hp = splitHostPort(authority);
  if (!hp.ok) return hp;
  const port = parsePort(hp.value.port);
  if (!port.ok) return port;
  return ok({ scheme: 'udp', host: hp.value.host, port: port.value });
}

function splitHostPort(authority: string): Result<{ host: string; port: string | undefined }, string> {
  if (!authority.startsWith('[') && authority.split(':').length > 2) {
    return err('IPv6 address must be in brackets, e.g. udp://[::1]:1337');
  }
  if (authority === '' || authority.startsWith(':')) return err('missing host (e.g. udp://127.0.0.1:1337)');
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) return err(`unclosed '[' in IPv6 address '${authority}'`);
    const host = authority.slice(1, close);
    if (isIP(host) !== 6) return err(`'${host}' is not an IPv6 address`);
    const after = authority.slice(close + 1);
    if (after === '') return ok({ host, port: undefined });
    if (!after.startsWith(':')) return err(`unexpected '${after}' after IPv6 address`);
    return ok({ host, port: after.slice(1) });
  }
  const [host, port] = authority.split(':') as [string, string | undefined];
  if (isIP(host) !== 4 && !HOST_NAME.test(host)) return err(`'${host}' is not a valid host name or IPv4 address`);
  return ok({ host, port });
}

function parsePort(text: string | undefined): Result<number, string> {
  if (text === undefined || text === '') return err('missing port (e.g. udp://127.0.0.1:1337; Zephyr uses 1337)');
  if (!/^[0-9]+$/.test(text)) return err(`port '${text}' is not a number`);
  const port = Number(text);
  if (port < 1 || port > 65535) return err(`port ${text} out of range 1-65535`);
  return ok(port);
}

function parseSerial(rest: string): Result<ConnectionSpec, string> {
  const split = splitQuery(rest);
  if (!split.ok) return split;
  const path = split.value.head;
  if (path === '' || path === '/') return err('missing device path (e.g. serial:///dev/ttyACM0)');
  if (!path.startsWith('/') && !/^COM[0-9]+$/i.test(path)) {
    return err(`device path '${path}' is not absolute (write serial:///${path})`);
  }
  let baudRate = DEFAULT_BAUD_RATE;
  let raw = false;
  let mtu: number | undefined;
  for (const [key, value] of split.value.params) {
    if (key === 'baud') {
      if (!/^[0-9]+$/.test(value) || Number(value) < 1 || Number(value) > 20_000_000) {
        return err(`bad baud '${value}' (expected a positive integer, e.g. baud=115200)`);
      }
      baudRate = Number(value);
    } else if (key === 'raw') {
      if (!['1', '0', 'true', 'false'].includes(value)) return err(`bad raw '${value}' (expected raw=1 or raw=0)`);
      raw = value === '1' || value === 'true';
    } else if (key === 'mtu') {
      if (!/^[0-9]+$/.test(value) || Number(value) < SERIAL_MTU_RANGE.min || Number(value) > SERIAL_MTU_RANGE.max) {
        return err(`bad mtu '${value}' (expected ${SERIAL_MTU_RANGE.min}-${SERIAL_MTU_RANGE.max} bytes, e.g. mtu=256)`);
      }
      mtu = Number(value);
    } else {
      return err(`unknown query parameter '${key}' for serial:// (expected baud, raw, mtu)`);
    }
  }
  return ok({ scheme: 'serial', path, baudRate, raw, ...(mtu === undefined ? {} : { mtu }) });
}

/** Format a spec back into its canonical connection string (parse ∘ format is the identity). */
export function formatConnectionString(spec: ConnectionSpec): string {
  if (spec.scheme === 'udp') {
    const host = isIP(spec.host) === 6 ? `[${spec.host}]` : spec.host;
    return `udp://${host}:${spec.port}`;
  }
  return `serial://${spec.path}?baud=${spec.baudRate}${spec.raw ? '&raw=1' : ''}${spec.mtu === undefined ? '' : `&mtu=${spec.mtu}`}`;
}
