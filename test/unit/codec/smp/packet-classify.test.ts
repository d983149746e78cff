import { describe, expect, it } from 'vitest';
import { decodeSmpHeader, encodeSmpHeader, responseOpFor, responseVersionFor } from '../../../../src/codec/smp/header.ts';
import { classifyResponseBody, decodeSmpPacket, encodeSmpPacket } from '../../../../src/codec/smp/message.ts';
import { fromHex, toHex } from '../../../../src/core/bytes.ts';

describe('SMP header and packet', () => {
  it('encodes the spec worked examples (spec smp.md §1.8)', () => {
    expect(toHex(encodeSmpPacket({ op: 2, version: 0, group: 0, id: 0, seq: 0x42, body: { d: 'aa' } }))).toBe('0200000600004200a16164626161');
    expect(toHex(encodeSmpPacket({ op: 0, version: 1, group: 1, id: 0, seq: 7, body: {} }))).toBe('0800000100010700a0');
    expect(toHex(encodeSmpPacket({ op: 2, group: 0, id: 5, seq: 0x12, body: { force: true } }))).toBe('0a00000800001205a165666f726365f5');
  });

  it('decodes byte 0 into op, version and reserved bits', () => {
    const h = decodeSmpHeader(fromHex('f9 ff 01 02 ff fe 07 06'));
    expect(h).toEqual({ ok: true, value: { op: 1, version: 3, reserved: 7, flags: 0xff, length: 0x0102, group: 0xfffe, seq: 7, id: 6 } });
    expect(toHex(encodeSmpHeader({ op: 1, version: 3, reserved: 7, flags: 0xff, length: 0x102, group: 0xfffe, seq: 7, id: 6 }))).toBe('f9ff0102fffe0706');
  });

  it('short headers and short payloads are incomplete', () => {
    expect(decodeSmpHeader(fromHex('0a0000')).ok).toBe(false);
    const p = decodeSmpPacket(fromHex('0a00000900000100a1'));
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.error.kind).toBe('incomplete');
  });

  it('splits concatenated packets (spec smp.md §1.5)', () => {
    const two = fromHex('0800000100010700a0' + '0800000100010800a0');
    const first = decodeSmpPacket(two);
    expect(first.ok && first.value.header.seq).toBe(7);
    if (first.ok) {
      const second = decodeSmpPacket(first.value.rest);
      expect(second.ok && second.value.header.seq).toBe(8);
    }
  });

  it('response op and version rules (spec smp.md §1.3)', () => {
    expect([0, 1, 2, 3, 4, 7].map(responseOpFor)).toEqual([1, 3, 3, 3, 3, 3]);
    expect([0, 1, 2, 3].map(responseVersionFor)).toEqual([0, 1, 1, 1]);
  });
});

describe('classifyResponseBody', () => {
  it.each([
    ['bf61726568656c6c6fff', { kind: 'ok' }],
    ['bf627263 08ff', { kind: 'errV1', rc: 8 }],
    ['a2627263 01 63 72736e 63 6e6f70', { kind: 'errV1', rc: 1, rsn: 'nop' }],
    ['bf63657272bf6567726f7570 01 627263 09 ffff', { kind: 'errV2', group: 1, rc: 9 }],
    ['a1627263 00', { kind: 'ok' }],
    ['a163657272 01', { kind: 'malformed' }],
    ['a1627263 63616263', { kind: 'malformed' }],
    ['83010203', { kind: 'malformed' }],
    ['a16164', { kind: 'malformed' }],
  ])('%s', (hex, expected) => {
    expect(classifyResponseBody(fromHex(hex))).toMatchObject(expected);
  });

  it('refuses {"rc": 3, "rc": 0} (a last-key-wins decoder reads success), naming the key and offsets', () => {
    const body = classifyResponseBody(fromHex('a2 627263 03 627263 00'));
    expect(body).toMatchObject({ kind: 'malformed', at: 5 });
    expect(body.kind === 'malformed' && body.reason).toBe(
      'duplicate map key "rc" at byte 5 of the CBOR body (packet byte 13), first at body byte 1; RFC 8949 §5.6: a map with duplicate keys is not valid',
    );
  });

  it('finds a duplicate key inside the v2 err map too', () => {
    const body = classifyResponseBody(fromHex('bf 63657272 a3 6567726f7570 01 627263 09 627263 00 ff'));
    expect(body).toMatchObject({ kind: 'malformed', at: 17 });
    expect(body.kind === 'malformed' && body.reason).toContain('duplicate map key "rc" at byte 17');
  });

  it('classifies zcbor\'s indefinite map as valid and lists it as a finding', () => {
    expect(classifyResponseBody(fromHex('bf 6172 62 6869 ff'))).toEqual({
      kind: 'ok',
      rsp: { r: 'hi' },
      findings: [{ kind: 'indefinite-length', item: 'map', at: 0 }],
    });
    expect(classifyResponseBody(fromHex('a1 6172 62 6869'))).toEqual({ kind: 'ok', rsp: { r: 'hi' } });
  });

  it('classifies a body with a non-preferred head as valid and lists it', () => {
    const body = classifyResponseBody(fromHex('a1 627263 1808'));
    expect(body).toMatchObject({ kind: 'errV1', rc: 8, findings: [{ kind: 'non-preferred-head', at: 4, width: 1, preferredWidth: 0 }] });
  });

  it('refuses trailing bytes after the body', () => {
    expect(classifyResponseBody(fromHex('a0 00'))).toMatchObject({ kind: 'malformed', at: 1 });
  });
});
