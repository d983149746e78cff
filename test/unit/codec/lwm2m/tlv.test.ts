import { describe, expect, it } from 'vitest';
import {
  decodeTlv, decodeTlvRecords, decodeTlvValue, definitionTypeOf, encodeTlv, encodeTlvRecords, encodeTlvUnchecked, encodeTlvValue, type Lwm2mRecord,
} from '../../../../src/codec/lwm2m/index.ts';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const typeOf = definitionTypeOf();

// Worked vectors of docs/spec/lwm2m.md §3.4.
const DIGEST_VECTORS: Array<{ name: string; path: number[]; records: Lwm2mRecord[]; hex: string }> = [
  { name: '/3/0/0 string', path: [3, 0, 0], records: [{ path: [3, 0, 0], value: { type: 'string', value: 'Open Mobile Alliance' } }], hex: `c80014${Buffer.from('Open Mobile Alliance').toString('hex')}` },
  { name: '/3/0/9 = 100', path: [3, 0, 9], records: [{ path: [3, 0, 9], value: { type: 'integer', value: 100n } }], hex: 'c10964' },
  { name: '/3/0/6 multiple', path: [3, 0, 6], records: [{ path: [3, 0, 6, 0], value: { type: 'integer', value: 1n } }, { path: [3, 0, 6, 1], value: { type: 'integer', value: 5n } }], hex: '8606410001410105' },
  { name: '/3303/0/5700 = 23.5', path: [3303, 0, 5700], records: [{ path: [3303, 0, 5700], value: { type: 'float', value: 23.5 } }], hex: 'e4164441bc0000' },
  { name: '/1/0/1 = 86400', path: [1, 0, 1], records: [{ path: [1, 0, 1], value: { type: 'integer', value: 86400n } }], hex: 'c40100015180' },
  { name: '/1/0/7 = U', path: [1, 0, 7], records: [{ path: [1, 0, 7], value: { type: 'string', value: 'U' } }], hex: 'c10755' },
  { name: '/1/0/6 = false', path: [1, 0, 6], records: [{ path: [1, 0, 6], value: { type: 'boolean', value: false } }], hex: 'c10600' },
  { name: 'objlnk 16:0 in /1/0/10', path: [1, 0, 10], records: [{ path: [1, 0, 10], value: { type: 'objlnk', value: { objectId: 16, instanceId: 0 } } }], hex: 'c40a00100000' },
  { name: 'instance 0 {1:60, 6:true}', path: [1], records: [{ path: [1, 0, 1], value: { type: 'integer', value: 60n } }, { path: [1, 0, 6], value: { type: 'boolean', value: true } }], hex: '0600c1013cc10601' },
];

describe('OMA-TLV worked vectors (docs/spec/lwm2m.md §3.4)', () => {
  it.each(DIGEST_VECTORS)('$name decodes and re-encodes byte-exact', ({ path, records, hex: h }) => {
    expect(decodeTlvRecords(hex(h), path, typeOf)).toEqual({ ok: true, value: records });
    expect(toHex(encodeTlvRecords(records, path))).toBe(h);
  });

  it('integers take the shortest width: -1 in one byte, 200 in two', () => {
    expect(toHex(encodeTlv([{ kind: 'resource', id: 3, value: encodeTlvValue({ type: 'integer', value: -1n }) }]))).toBe('c103ff');
    expect(toHex(encodeTlv([{ kind: 'resource', id: 3, value: encodeTlvValue({ type: 'integer', value: 200n }) }]))).toBe('c20300c8');
  });

  it('length field widths: inline, 8, 16 and 24 bits; 16-bit ids', () => {
    expect(toHex(encodeTlv([{ kind: 'resource', id: 0, value: new Uint8Array(300) }]).subarray(0, 4))).toBe('d000012c');
    expect(toHex(encodeTlv([{ kind: 'resource', id: 0, value: new Uint8Array(70000) }]).subarray(0, 5))).toBe('d800011170');
    expect(toHex(encodeTlv([{ kind: 'resource', id: 5700, value: new Uint8Array(1) }]))).toBe('e1164400');
    const decoded = decodeTlv(encodeTlv([{ kind: 'resource', id: 0, value: new Uint8Array(70000) }]));
    expect(decoded.ok && decoded.value[0]).toMatchObject({ lengthBytes: 3, value: expect.any(Uint8Array), end: 70005 });
  });
});

describe('TLV decoder bounds every length', () => {
  it.each([
    ['empty input is no entries', '', 'ok'],
    ['type byte only', 'c8', 'incomplete'],
    ['8-bit length past the end', 'c8000a4142', 'incomplete'],
    ['inline length past the end', 'c50041', 'incomplete'],
    ['24-bit length past the end', 'd800ffffff00', 'incomplete'],
    ['child running past its object instance', '0300c2054142', 'invalid'],
    ['resource-instance directly in an object instance', '03004100aa', 'invalid'],
    ['resource inside a multiple resource', '8306c10001', 'invalid'],
    ['length field plus inline length bits', 'c9000141', 'invalid'],
  ])('%s', (_name, h, expected) => {
    const result = decodeTlv(hex(h));
    if (expected === 'ok') expect(result).toEqual({ ok: true, value: [] });
    else expect(result).toMatchObject({ ok: false, error: { kind: expected } });
  });

  it.each([
    ['integer', '000000'],
    ['float', '000000'],
    ['boolean', '02'],
    ['boolean', '0000'],
    ['objlnk', '001000'],
    ['string', 'c328'],
  ] as const)('value bytes %s %s are invalid', (type, h) => {
    expect(decodeTlvValue(type, hex(h))).toMatchObject({ ok: false, error: { kind: 'invalid' } });
  });

  it('a resource path too short for the TLV kind is refused', () => {
    expect(decodeTlvRecords(hex('c10964'), [3], typeOf)).toMatchObject({ ok: false, error: { kind: 'invalid' } });
  });

  it('unknown resources stay opaque', () => {
    expect(decodeTlvRecords(hex('c1012a'), [31024, 0], typeOf)).toEqual({ ok: true, value: [{ path: [31024, 0, 1], value: { type: 'opaque', value: hex('2a') } }] });
  });
});

describe('unchecked TLV builder', () => {
  it('writes a claimed length that lies, and the decoder catches it', () => {
    const broken = encodeTlvUnchecked({ kind: 'resource', id: 0, value: hex('4142'), claimedLength: 10, lengthBytes: 1 });
    expect(toHex(broken)).toBe('c8000a4142');
    expect(decodeTlv(broken)).toMatchObject({ ok: false, error: { kind: 'incomplete', at: 0 } });
  });
  it('writes non-shortest id and length fields that still decode', () => {
    const wide = encodeTlvUnchecked({ kind: 'resource', id: 9, value: hex('64'), idBytes: 2, lengthBytes: 2 });
    expect(toHex(wide)).toBe('f00009000164');
    expect(decodeTlvRecords(wide, [3, 0], typeOf)).toEqual({ ok: true, value: [{ path: [3, 0, 9], value: { type: 'integer', value: 100n } }] });
  });
});
