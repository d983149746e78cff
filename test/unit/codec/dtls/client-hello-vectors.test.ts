/**
 * ClientHellos captured from three independent DTLS stacks decode field by field and re-encode to
 * the same bytes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ContentType,
  HandshakeType,
  TLS_PSK_WITH_AES_128_CCM_8,
  decodeClientHello,
  decodeHandshakeFragments,
  encodeClientHello,
  splitDtlsDatagram,
} from '../../../../src/codec/dtls/index.ts';
import { fromHex } from '../../../../src/core/bytes.ts';

interface HelloVector {
  name: string;
  fields: { recordVersion: number; clientVersion: number; cookieBytes: number; cipherSuiteCount: number; offersPskCcm8: boolean; extensionTypes: number[] };
  hex: string;
  source: string;
}

const vectors: HelloVector[] = readFileSync(new URL('../../../fixtures/vectors/dtls-client-hello.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as HelloVector);

describe('captured ClientHellos (test/fixtures/vectors/dtls-client-hello.jsonl)', () => {
  it('holds the three captures', () => {
    expect(vectors.map((v) => v.name)).toHaveLength(3);
  });

  for (const v of vectors) {
    it(`${v.name} decodes to its recorded fields and re-encodes byte for byte`, () => {
      const { records, failure } = splitDtlsDatagram(fromHex(v.hex));
      expect(failure).toBeUndefined();
      expect(records).toHaveLength(1);
      const record = records[0]!;
      expect(record.type).toBe(ContentType.handshake);
      expect(record.version).toBe(v.fields.recordVersion);
      expect(record.epoch).toBe(0);
      const fragments = decodeHandshakeFragments(record.fragment);
      expect(fragments.ok).toBe(true);
      if (!fragments.ok) return;
      const [fragment] = fragments.value;
      expect(fragment?.msgType).toBe(HandshakeType.client_hello);
      expect(fragment?.fragmentOffset).toBe(0);
      expect(fragment?.body.length).toBe(fragment?.length);
      const hello = decodeClientHello(fragment!.body);
      expect(hello.ok).toBe(true);
      if (!hello.ok) return;
      expect(hello.value.clientVersion).toBe(v.fields.clientVersion);
      expect(hello.value.cookie.length).toBe(v.fields.cookieBytes);
      expect(hello.value.cipherSuites).toHaveLength(v.fields.cipherSuiteCount);
      expect(hello.value.cipherSuites.includes(TLS_PSK_WITH_AES_128_CCM_8)).toBe(v.fields.offersPskCcm8);
      expect(hello.value.extensions?.map((e) => e.type)).toEqual(v.fields.extensionTypes);
      expect(encodeClientHello(hello.value)).toEqual(fragment!.body);
    });
  }

  it('every truncation of a captured ClientHello body is refused as invalid, never thrown', () => {
    const fragment = decodeHandshakeFragments(splitDtlsDatagram(fromHex(vectors[0]!.hex)).records[0]!.fragment);
    if (!fragment.ok) throw new Error('vector does not decode');
    const body = fragment.value[0]!.body;
    let refused = 0;
    for (let cut = 0; cut < body.length; cut++) {
      const decoded = decodeClientHello(body.subarray(0, cut));
      if (!decoded.ok) {
        expect(decoded.error.kind).toBe('invalid');
        refused++;
      }
    }
    // Exactly one prefix is itself a valid hello: the one ending right after compression_methods.
    expect(refused).toBe(body.length - 1);
  });
});
