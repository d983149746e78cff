/**
 * The address an LwM2M server listens on, as written in targets.json and on the command line:
 * `coap://HOST[:PORT]` with an IPv4 address or a bracketed IPv6 address; the port defaults to
 * 5683, the LwM2M NoSec port, and 0 asks for an ephemeral one.
 * @see docs/spec/lwm2m.md §1.7
 */
import { isIP } from 'node:net';
import { ConnectionStringError } from '../../errors.ts';

/** The CoAP default port (RFC 7252 §6.1). */
export const DEFAULT_COAP_PORT = 5683;

/** Parse `coap://HOST[:PORT]`; throws ConnectionStringError naming what is wrong. */
export function parseListenUri(uri: string): { host: string; port: number } {
  const m = /^coap:\/\/(\[[^\]]*\]|[^:/[\]]*)(?::(\d{1,5}))?\/?$/.exec(uri);
  if (!m) throw new ConnectionStringError(uri, 'expected coap://HOST[:PORT] (coaps is not supported)');
  const host = m[1]!.replace(/^\[|\]$/g, '');
  if (isIP(host) === 0) throw new ConnectionStringError(uri, `host "${m[1]}" is not an IPv4 or bracketed IPv6 address`);
  const port = m[2] === undefined ? DEFAULT_COAP_PORT : Number(m[2]);
  if (port > 65535) throw new ConnectionStringError(uri, `port ${port} is above 65535`);
  return { host, port };
}
