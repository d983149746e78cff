/**
 * Bodies of the handshake messages a plain-PSK DTLS 1.2 handshake exchanges.
 * @see RFC 6347 §4.2.1 (ClientHello cookie, HelloVerifyRequest), RFC 5246 §7.4 (hello messages,
 *   Finished), RFC 4279 §2 (PSK ServerKeyExchange and ClientKeyExchange)
 */
import { concatBytes } from '../../core/bytes.ts';
import type { DecodeFailure, Result } from '../../core/result.ts';
import { DTLS_MAX_COOKIE_BYTES, DTLS_RANDOM_BYTES, FINISHED_VERIFY_DATA_BYTES } from './constants.ts';
import { readWire, uintBytes, vectorBytes, type WireReader } from './reader.ts';

/** One hello extension, body uninterpreted. */
export interface HelloExtension {
  type: number;
  data: Uint8Array;
}

/** ClientHello (DTLS form: with cookie). */
export interface ClientHello {
  clientVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cookie: Uint8Array;
  cipherSuites: number[];
  compressionMethods: Uint8Array;
  /** Undefined when the message ends after compression_methods (no extensions block). */
  extensions: HelloExtension[] | undefined;
}

/** ServerHello. */
export interface ServerHello {
  serverVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compressionMethod: number;
  extensions: HelloExtension[] | undefined;
}

function readExtensions(r: WireReader): HelloExtension[] | undefined {
  if (r.remaining === 0) return undefined;
  const block = r.vector(2, 0, 0xffff, 'extensions');
  r.end('hello');
  return readWireInside(block, (x) => {
    const out: HelloExtension[] = [];
    while (x.remaining > 0) out.push({ type: x.uint(2, 'extension type'), data: x.vector(2, 0, 0xffff, 'extension data') });
    return out;
  }, r);
}

/** Decode a nested block with the outer reader's failure semantics (all failures are `invalid`). */
function readWireInside<T>(bytes: Uint8Array, decode: (r: WireReader) => T, outer: WireReader): T {
  const inner = readWire(bytes, 'invalid', decode, outer.offset - bytes.length);
  if (!inner.ok) outer.fail('invalid', inner.error.message, inner.error.at - outer.offset);
  return inner.value;
}

function encodeExtensions(extensions: HelloExtension[] | undefined): Uint8Array {
  if (extensions === undefined) return new Uint8Array(0);
  return vectorBytes(concatBytes(...extensions.map((e) => concatBytes(uintBytes(e.type, 2), vectorBytes(e.data, 2)))), 2);
}

/** Decode a ClientHello body. */
export function decodeClientHello(body: Uint8Array): Result<ClientHello, DecodeFailure> {
  return readWire(body, 'invalid', (r) => {
    const clientVersion = r.uint(2, 'client_version');
    const random = r.take(DTLS_RANDOM_BYTES, 'random');
    const sessionId = r.vector(1, 0, 32, 'session_id');
    const cookie = r.vector(1, 0, DTLS_MAX_COOKIE_BYTES, 'cookie');
    const suites = r.vector(2, 2, 0xfffe, 'cipher_suites');
    if (suites.length % 2 !== 0) r.fail('invalid', `cipher_suites length ${suites.length} is odd`);
    const cipherSuites: number[] = [];
    for (let i = 0; i < suites.length; i += 2) cipherSuites.push((suites[i]! << 8) | suites[i + 1]!);
    const compressionMethods = r.vector(1, 1, 0xff, 'compression_methods');
    return { clientVersion, random, sessionId, cookie, cipherSuites, compressionMethods, extensions: readExtensions(r) };
  });
}

/** Encode a ClientHello body. */
export function encodeClientHello(h: ClientHello): Uint8Array {
  const suites = concatBytes(...h.cipherSuites.map((s) => uintBytes(s, 2)));
  return concatBytes(
    uintBytes(h.clientVersion, 2),
    h.random,
    vectorBytes(h.sessionId, 1),
    vectorBytes(h.cookie, 1),
    vectorBytes(suites, 2),
    vectorBytes(h.compressionMethods, 1),
    encodeExtensions(h.extensions),
  );
}

/** Decode a HelloVerifyRequest body. */
export function decodeHelloVerifyRequest(body: Uint8Array): Result<{ serverVersion: number; cookie: Uint8Array }, DecodeFailure> {
  return readWire(body, 'invalid', (r) => {
    const value = { serverVersion: r.uint(2, 'server_version'), cookie: r.vector(1, 0, DTLS_MAX_COOKIE_BYTES, 'cookie') };
    r.end('HelloVerifyRequest');
    return value;
  });
}

/** Encode a HelloVerifyRequest body. */
export function encodeHelloVerifyRequest(serverVersion: number, cookie: Uint8Array): Uint8Array {
  return concatBytes(uintBytes(serverVersion, 2), vectorBytes(cookie, 1));
}

/** Decode a ServerHello body. */
export function decodeServerHello(body: Uint8Array): Result<ServerHello, DecodeFailure> {
  return readWire(body, 'invalid', (r) => {
    const serverVersion = r.uint(2, 'server_version');
    const random = r.take(DTLS_RANDOM_BYTES, 'random');
    const sessionId = r.vector(1, 0, 32, 'session_id');
    const cipherSuite = r.uint(2, 'cipher_suite');
    const compressionMethod = r.uint(1, 'compression_method');
    return { serverVersion, random, sessionId, cipherSuite, compressionMethod, extensions: readExtensions(r) };
  });
}

/** Encode a ServerHello body. */
export function encodeServerHello(h: ServerHello): Uint8Array {
  return concatBytes(
    uintBytes(h.serverVersion, 2),
    h.random,
    vectorBytes(h.sessionId, 1),
    uintBytes(h.cipherSuite, 2),
    uintBytes(h.compressionMethod, 1),
    encodeExtensions(h.extensions),
  );
}

/**
 * Decode the PSK identity carried by ClientKeyExchange, or the identity hint carried by
 * ServerKeyExchange: both are `opaque<0..2^16-1>` filling the body (RFC 4279 §2).
 */
export function decodePskIdentityBody(body: Uint8Array): Result<Uint8Array, DecodeFailure> {
  return readWire(body, 'invalid', (r) => {
    const identity = r.vector(2, 0, 0xffff, 'psk_identity');
    r.end('PSK identity');
    return identity;
  });
}

/** Encode a PSK identity (ClientKeyExchange) or identity hint (ServerKeyExchange) body. */
export function encodePskIdentityBody(identity: Uint8Array): Uint8Array {
  return vectorBytes(identity, 2);
}

/** Decode a Finished body: exactly 12 bytes of verify_data. */
export function decodeFinished(body: Uint8Array): Result<Uint8Array, DecodeFailure> {
  return readWire(body, 'invalid', (r) => {
    const verifyData = r.take(FINISHED_VERIFY_DATA_BYTES, 'verify_data');
    r.end('Finished');
    return verifyData;
  });
}

/** Whether the extension list carries an extension of this type. */
export function hasExtension(extensions: HelloExtension[] | undefined, type: number): boolean {
  return extensions?.some((e) => e.type === type) ?? false;
}
