/** Record, handshake-fragment and alert codecs: round trips, limits, hostile bytes. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AlertDescription,
  DTLS_MAX_RECORD_PAYLOAD_BYTES,
  decodeClientHello,
  decodeDtlsAlert,
  decodeDtlsRecord,
  decodeFinished,
  decodeHandshakeFragments,
  decodeHelloVerifyRequest,
  decodePskIdentityBody,
  decodeServerHello,
  dtlsAlertName,
  encodeDtlsAlert,
  encodeDtlsRecord,
  encodeDtlsRecordUnchecked,
  encodeHandshakeFragment,
  encodeHelloVerifyRequest,
  encodePskIdentityBody,
  encodeServerHello,
  fragmentHandshakeMessage,
  splitDtlsDatagram,
} from '../../../../src/codec/dtls/index.ts';
import { concatBytes } from '../../../../src/core/bytes.ts';

const arbRecord = fc.record({
  type: fc.integer({ min: 0, max: 255 }),
  version: fc.integer({ min: 0, max: 0xffff }),
  epoch: fc.integer({ min: 0, max: 0xffff }),
  sequenceNumber: fc.integer({ min: 0, max: 2 ** 48 - 1 }),
  fragment: fc.uint8Array({ maxLength: 300 }),
});

describe('DTLS records', () => {
  it('round-trip, several per datagram', () => {
    fc.assert(fc.property(fc.array(arbRecord, { minLength: 1, maxLength: 5 }), (records) => {
      const { records: decoded, failure } = splitDtlsDatagram(concatBytes(...records.map(encodeDtlsRecord)));
      expect(failure).toBeUndefined();
      expect(decoded).toEqual(records);
    }));
  });

  it('a truncated record is incomplete, at the byte where it ran out', () => {
    fc.assert(fc.property(arbRecord, fc.nat(), (record, n) => {
      const bytes = encodeDtlsRecord(record);
      const cut = n % bytes.length;
      const decoded = decodeDtlsRecord(bytes.subarray(0, cut));
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.error.kind).toBe('incomplete');
    }));
  });

  it('a length field beyond the record limit is a limit failure, not a read', () => {
    const bytes = encodeDtlsRecordUnchecked({ type: 23, version: 0xfefd, epoch: 1, sequenceNumber: 1, length: DTLS_MAX_RECORD_PAYLOAD_BYTES + 1, fragment: new Uint8Array(0) });
    const decoded = decodeDtlsRecord(bytes);
    expect(decoded.ok ? 'ok' : decoded.error.kind).toBe('limit');
  });

  it('keeps the records before a damaged one and says where it stopped', () => {
    const good = encodeDtlsRecord({ type: 22, version: 0xfefd, epoch: 0, sequenceNumber: 7, fragment: Uint8Array.of(1, 2, 3) });
    const { records, failure } = splitDtlsDatagram(concatBytes(good, Uint8Array.of(22, 0xfe)));
    expect(records).toHaveLength(1);
    // The version field starts one byte into the damaged record and runs short.
    expect(failure?.at).toBe(good.length + 1);
  });
});

describe('handshake fragments', () => {
  it('a fragmented message re-encodes to fragments that decode back in one record', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 13, max: 200 }), (body, max) => {
      const fragments = fragmentHandshakeMessage(2, 5, body, max);
      for (const f of fragments) expect(encodeHandshakeFragment(f).length).toBeLessThanOrEqual(max);
      const decoded = decodeHandshakeFragments(concatBytes(...fragments.map(encodeHandshakeFragment)));
      expect(decoded.ok).toBe(true);
      if (decoded.ok) expect(concatBytes(...decoded.value.map((f) => f.body))).toEqual(body);
    }));
  });

  it('refuses a fragment that reaches past its message length', () => {
    const bytes = encodeHandshakeFragment({ msgType: 1, length: 4, messageSeq: 0, fragmentOffset: 2, body: Uint8Array.of(1, 2, 3) });
    const decoded = decodeHandshakeFragments(bytes);
    expect(decoded.ok ? 'ok' : decoded.error.kind).toBe('invalid');
  });

  it('refuses a message length above the handshake limit', () => {
    const bytes = encodeHandshakeFragment({ msgType: 1, length: 0x100000, messageSeq: 0, fragmentOffset: 0, body: new Uint8Array(0) });
    const decoded = decodeHandshakeFragments(bytes);
    expect(decoded.ok ? 'ok' : decoded.error.kind).toBe('limit');
  });
});

describe('messages', () => {
  it('ServerHello, HelloVerifyRequest, PSK identity and alert round-trip', () => {
    const hello = { serverVersion: 0xfefd, random: new Uint8Array(32).fill(7), sessionId: Uint8Array.of(1), cipherSuite: 0xc0a8, compressionMethod: 0, extensions: [{ type: 0x17, data: new Uint8Array(0) }] };
    expect(decodeServerHello(encodeServerHello(hello))).toEqual({ ok: true, value: hello });
    expect(decodeServerHello(encodeServerHello({ ...hello, extensions: undefined }))).toEqual({ ok: true, value: { ...hello, extensions: undefined } });
    expect(decodeHelloVerifyRequest(encodeHelloVerifyRequest(0xfeff, Uint8Array.of(9, 9)))).toEqual({ ok: true, value: { serverVersion: 0xfeff, cookie: Uint8Array.of(9, 9) } });
    expect(decodePskIdentityBody(encodePskIdentityBody(Uint8Array.of(0x61)))).toEqual({ ok: true, value: Uint8Array.of(0x61) });
    expect(decodeDtlsAlert(encodeDtlsAlert({ level: 2, description: 115 }))).toEqual({ ok: true, value: { level: 2, description: 115 } });
    expect(dtlsAlertName(AlertDescription.unknown_psk_identity)).toBe('unknown_psk_identity');
    expect(dtlsAlertName(200)).toBe('alert(200)');
  });

  it('Finished must carry exactly 12 bytes', () => {
    expect(decodeFinished(new Uint8Array(12)).ok).toBe(true);
    expect(decodeFinished(new Uint8Array(11)).ok).toBe(false);
    expect(decodeFinished(new Uint8Array(13)).ok).toBe(false);
  });

  it('a cookie longer than 255 bytes cannot be expressed; a session_id above 32 is refused', () => {
    const body = encodeServerHello({ serverVersion: 0xfefd, random: new Uint8Array(32), sessionId: new Uint8Array(33), cipherSuite: 0xc0a8, compressionMethod: 0, extensions: undefined });
    const decoded = decodeServerHello(body);
    expect(decoded.ok ? 'ok' : decoded.error.message).toMatch(/session_id: length 33/);
  });

  it('decoders never throw on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      for (const decode of [decodeClientHello, decodeServerHello, decodeHelloVerifyRequest, decodePskIdentityBody, decodeFinished, decodeDtlsAlert, decodeHandshakeFragments]) {
        const result = decode(bytes);
        expect(typeof result.ok).toBe('boolean');
      }
      expect(Array.isArray(splitDtlsDatagram(bytes).records)).toBe(true);
    }), { numRuns: 2000 });
  });
});
