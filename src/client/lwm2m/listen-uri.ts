/**
 * The address an LwM2M server listens on, as written in targets.json and on the command line:
 * `coap://HOST[:PORT]` (NoSec) or `coaps://HOST[:PORT]` (DTLS) with an IPv4 address or a
 * bracketed IPv6 address; the port defaults to 5683 for coap and 5684 for coaps, and 0 asks for
 * an ephemeral one.
 * @see docs/spec/lwm2m.md §1.7
 */
import { isIP } from 'node:net';
import { ConnectionStringError } from '../../errors.ts';

/** The CoAP default port (RFC 7252 §6.1). */
export const DEFAULT_COAP_PORT = 5683;
/** The CoAPs default port (RFC 7252 §6.2). */
export const DEFAULT_COAPS_PORT = 5684;

/** A parsed listen address. */
export interface ListenAddress {
  host: string;
  port: number;
  /** `coaps` when the server speaks DTLS. */
  scheme: 'coap' | 'coaps';
}

/** Parse `coap://HOST[:PORT]` or `coaps://HOST[:PORT]`; throws ConnectionStringError naming what is wrong. */
export function parseListenUri(uri: string): ListenAddress {
  const m = /^(coaps?):\/\/(\[[^\]]*\]|[^:/[\]]*)(?::(\d{1,5}))?\/?$/.exec(uri);
  if (!m) throw new ConnectionStringError(uri, 'expected coap://HOST[:PORT] or coaps://HOST[:PORT]');
  const scheme = m[1] === 'coaps' ? 'coaps' : 'coap';
  const host = m[2]!.replace(/^\[|\]$/g, '');
  if (isIP(host) === 0) throw new ConnectionStringError(uri, `host "${m[2]}" is not an IPv4 or bracketed IPv6 address`);
  const port = m[3] === undefined ? (scheme === 'coaps' ? DEFAULT_COAPS_PORT : DEFAULT_COAP_PORT) : Number(m[3]);
  if (port > 65535) throw new ConnectionStringError(uri, `port ${port} is above 65535`);
  return { host, port, scheme };
}

/**
 * The bind address of a listen URI whose scheme must match the endpoint's security: coaps://
 * with DTLS options, coap:// without. Throws ConnectionStringError on a mismatch.
 */
export function listenBind(uri: string, options: { dtls?: unknown }): { host: string; port: number } {
  const { host, port, scheme } = parseListenUri(uri);
  if (scheme === 'coaps' && options.dtls === undefined) throw new ConnectionStringError(uri, 'coaps:// needs DTLS options (a pre-shared key)');
  if (scheme === 'coap' && options.dtls !== undefined) throw new ConnectionStringError(uri, 'a DTLS endpoint listens on coaps://');
  return { host, port };
}
