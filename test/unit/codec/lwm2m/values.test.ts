import { describe, expect, it } from 'vitest';
import {
  ContentFormat, decodeContent, decodeCborSingleValue, decodeLwm2mCbor, decodeLwm2mJson, decodeSenmlCbor, decodeSenmlJson, decodeTextValue, definitionTypeOf,
  encodeContent, encodeCborSingleValue, encodeLwm2mJson, encodeSenmlJson, encodeTextValue, lwm2mToSenml, resolveSenml, senmlToLwm2m, type Lwm2mValue,
} from '../../../../src/codec/lwm2m/index.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const typeOf = definitionTypeOf();

describe('text/plain values (docs/spec/lwm2m.md §3.3)', () => {
  it.each([
    ['integer', '-42', { type: 'integer', value: -42n }],
    ['integer', '+7', { type: 'integer', value: 7n }],
    ['unsigned', '18446744073709551615', { type: 'unsigned', value: 18446744073709551615n }],
    ['time', '1795855135', { type: 'time', value: 1795855135n }],
    ['float', '23.5', { type: 'float', value: 23.5 }],
    ['float', '-1.5e3', { type: 'float', value: -1500 }],
    ['boolean', '1', { type: 'boolean', value: true }],
    ['boolean', '0', { type: 'boolean', value: false }],
    ['objlnk', '33606:0', { type: 'objlnk', value: { objectId: 33606, instanceId: 0 } }],
    ['string', 'Europe/Berlin', { type: 'string', value: 'Europe/Berlin' }],
    ['opaque', 'AAEC', { type: 'opaque', value: Uint8Array.of(0, 1, 2) }],
  ] as const)('%s %s', (type, text, value) => {
    expect(decodeTextValue(type, utf8(text))).toEqual({ ok: true, value });
    expect(Buffer.from(encodeTextValue(value as Lwm2mValue)).toString()).toBe(text.replace(/^\+/, '').replace('-1.5e3', '-1500'));
  });

  it.each([
    ['integer', '9223372036854775808'],
    ['integer', '1.0'],
    ['unsigned', '-1'],
    ['float', 'NaN'],
    ['float', ''],
    ['boolean', 'true'],
    ['boolean', '2'],
    ['objlnk', '3'],
    ['objlnk', '65536:0'],
    ['opaque', 'AAE'],
  ] as const)('refuses %s "%s"', (type, text) => {
    expect(decodeTextValue(type, utf8(text))).toMatchObject({ ok: false, error: { kind: 'invalid' } });
  });

  it('refuses invalid UTF-8 and has no text form for infinity', () => {
    expect(decodeTextValue('string', hex('c328'))).toMatchObject({ ok: false });
    expect(() => encodeTextValue({ type: 'float', value: Infinity })).toThrow(RangeError);
  });

  it('text and opaque payloads need a resource path', () => {
    expect(decodeContent(ContentFormat.TEXT_PLAIN, utf8('1'), [3, 0], typeOf)).toMatchObject({ ok: false });
    expect(decodeContent(ContentFormat.OCTET_STREAM, hex('3db8f396'), [5, 0, 0], typeOf)).toEqual({ ok: true, value: [{ path: [5, 0, 0], value: { type: 'opaque', value: hex('3db8f396') } }] });
  });
});

describe('SenML', () => {
  it('resolves base name and base time, and types values by the definitions', () => {
    const records = [{ bn: '/3/0/', bt: 100, n: '13', v: 5 }, { n: '0', vs: 'x', t: 2 }, { bn: '/1/0/', n: '6', vb: true }];
    expect(senmlToLwm2m(records, typeOf)).toEqual({
      ok: true,
      value: [
        { path: [3, 0, 13], value: { type: 'time', value: 5n }, time: 100 },
        { path: [3, 0, 0], value: { type: 'string', value: 'x' }, time: 102 },
        { path: [1, 0, 6], value: { type: 'boolean', value: true }, time: 100 },
      ],
    });
  });

  it.each([
    [[{ n: '/3/0/0', v: 1, vs: 'a' }], 'more than one value'],
    [[{ n: '3/0/0', vs: 'a' }], 'not a LwM2M path'],
    [[{ n: '/3/0', vs: 'a' }], 'not a resource'],
    [[{ n: '/3/0/0', v: 1 }], 'numeric value for a string resource'],
    [[{ n: '/3/0/9', v: 1.5 }], 'not an integer'],
    [[{ n: '/3/0/0' }], 'no value'],
  ])('refuses %j (%s)', (records, message) => {
    const result = senmlToLwm2m(records, typeOf);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain(message);
  });

  it('keeps composite-request records (names only) through resolveSenml', () => {
    expect(resolveSenml([{ n: '/3/0' }, { n: '/1/0/1' }])).toMatchObject({ ok: true, value: [{ path: [3, 0] }, { path: [1, 0, 1] }] });
  });

  it('JSON: vd is base64url, must-understand labels are refused, bad JSON is a typed failure', () => {
    const bytes = encodeSenmlJson(lwm2mToSenml([{ path: [5, 0, 0], value: { type: 'opaque', value: Uint8Array.of(0xfb, 0xff) } }], '/5/0/'));
    expect(Buffer.from(bytes).toString()).toBe('[{"bn":"/5/0/","n":"0","vd":"-_8"}]');
    expect(decodeSenmlJson(bytes)).toEqual({ ok: true, value: [{ bn: '/5/0/', n: '0', vd: Uint8Array.of(0xfb, 0xff) }] });
    expect(decodeSenmlJson(utf8('[{"n":"/3/0/0","vs":"a","x_":1}]'))).toMatchObject({ ok: false, error: { message: expect.stringContaining('must-understand') } });
    expect(decodeSenmlJson(utf8('[{"n":1}]'))).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(decodeSenmlJson(utf8('{"n":"x"}'))).toMatchObject({ ok: false });
    expect(decodeSenmlJson(utf8('[{"n":'))).toMatchObject({ ok: false, error: { kind: 'invalid' } });
  });

  it('CBOR: truncated, trailing, and wrongly typed input are typed failures', () => {
    const good = hex('81a321652f332f302f006231330201');
    expect(decodeSenmlCbor(good)).toEqual({ ok: true, value: [{ bn: '/3/0/', n: '13', v: 1 }] });
    expect(decodeSenmlCbor(good.subarray(0, 10))).toMatchObject({ ok: false, error: { kind: 'incomplete' } });
    expect(decodeSenmlCbor(hex('81a321652f332f302f006231330201ff'))).toMatchObject({ ok: false, error: { kind: 'invalid', at: 15 } });
    expect(decodeSenmlCbor(hex('81a12101'))).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(decodeSenmlCbor(hex('81a2006130006131'))).toMatchObject({ ok: false, error: { message: expect.stringContaining('repeats') } });
    expect(decodeSenmlCbor(hex('a0'))).toMatchObject({ ok: false, error: { message: expect.stringContaining('array') } });
  });
});

describe('LwM2M CBOR and CBOR single values', () => {
  it('decodes nested and compressed keys', () => {
    expect(decodeLwm2mCbor(hex('a103a100a1016161'), typeOf)).toEqual({ ok: true, value: [{ path: [3, 0, 1], value: { type: 'string', value: 'a' } }] });
    expect(decodeLwm2mCbor(hex('a18303000ba10001'), typeOf)).toEqual({ ok: true, value: [{ path: [3, 0, 11, 0], value: { type: 'integer', value: 1n } }] });
  });

  it.each([
    ['a16161', 'text key'],
    ['a1030a', 'value above resource level'],
    ['a1831903e800a100', 'truncated'],
    ['a18501020304050a', 'too deep'],
    ['a1821a000100000000', 'id above 65534'],
  ])('refuses %s (%s)', (h) => {
    expect(decodeLwm2mCbor(hex(h), typeOf).ok).toBe(false);
  });

  it('accepts time with tag 1 and writes integers, floats and object links', () => {
    expect(decodeCborSingleValue('time', hex('c11a6b0a931f'))).toEqual({ ok: true, value: { type: 'time', value: 1795855135n } });
    const zephyrTime = Buffer.concat([Buffer.from('c078', 'hex'), Buffer.from([25]), Buffer.from('2026-11-28T08:04:56-00:00')]);
    expect(decodeCborSingleValue('time', new Uint8Array(zephyrTime))).toEqual({ ok: true, value: { type: 'time', value: BigInt(Date.UTC(2026, 10, 28, 8, 4, 56) / 1000) } });
    expect(decodeCborSingleValue('time', hex('c06161'))).toMatchObject({ ok: false });
    expect(Buffer.from(encodeCborSingleValue({ type: 'float', value: 23.5 })).toString('hex')).toBe('fa41bc0000');
    expect(Buffer.from(encodeCborSingleValue({ type: 'float', value: 0.1 })).toString('hex')).toBe('fb3fb999999999999a');
    expect(Buffer.from(encodeCborSingleValue({ type: 'objlnk', value: { objectId: 16, instanceId: 0 } })).toString()).toContain('16:0');
    expect(decodeCborSingleValue('boolean', hex('01'))).toMatchObject({ ok: false });
    expect(decodeCborSingleValue('unsigned', hex('20'))).toMatchObject({ ok: false });
  });
});

describe('LwM2M JSON (11543)', () => {
  it('decodes every value field with base name and base time', () => {
    const text = '{"bn":"/3/0/","bt":10,"e":[{"n":"0","sv":"Zephyr"},{"n":"6/0","v":1},{"n":"13","v":1795855135,"t":-5},{"n":"22/0","ov":"16:0"}]}';
    expect(decodeLwm2mJson(utf8(text), typeOf)).toEqual({
      ok: true,
      value: [
        { path: [3, 0, 0], value: { type: 'string', value: 'Zephyr' }, time: 10 },
        { path: [3, 0, 6, 0], value: { type: 'integer', value: 1n }, time: 10 },
        { path: [3, 0, 13], value: { type: 'time', value: 1795855135n }, time: 5 },
        { path: [3, 0, 22, 0], value: { type: 'objlnk', value: { objectId: 16, instanceId: 0 } }, time: 10 },
      ],
    });
  });

  it('refuses entries with two values, no value, or a non-resource name', () => {
    for (const bad of ['{"e":[{"n":"/3/0/0","v":1,"sv":"a"}]}', '{"e":[{"n":"/3/0/0"}]}', '{"bn":"/3/","e":[{"n":"0","v":1}]}', '[]', '{"e":[1]}']) {
      expect(decodeLwm2mJson(utf8(bad), typeOf).ok).toBe(false);
    }
  });

  it('encodes with the base name, opaque as base64', () => {
    const bytes = encodeLwm2mJson([{ path: [1, 0, 1], value: { type: 'integer', value: 120n } }, { path: [1, 0, 6], value: { type: 'boolean', value: true } }], '/1/0/');
    expect(Buffer.from(bytes).toString()).toBe('{"bn":"/1/0/","e":[{"n":"1","v":120},{"n":"6","bv":true}]}');
    expect(Buffer.from(encodeContent(ContentFormat.LWM2M_JSON, [{ path: [5, 0, 0], value: { type: 'opaque', value: Uint8Array.of(1, 2) } }], [5, 0, 0])).toString()).toBe('{"bn":"/5/0/","e":[{"n":"0","sv":"AQI="}]}');
  });
});

describe('large payloads', () => {
  it('a SenML CBOR pack of 1500 records (10 500 CBOR items, past the tree decoder default of 10 000) decodes', () => {
    const records = Array.from({ length: 1500 }, (_, i) => ({ path: [3303, i % 65534, 5700], value: { type: 'float' as const, value: i / 4 } }));
    const bytes = encodeContent(ContentFormat.SENML_CBOR, records, [3303]);
    const decoded = decodeContent(ContentFormat.SENML_CBOR, bytes, [3303], typeOf);
    expect(decoded.ok && decoded.value.length).toBe(1500);
  });
});

describe('unknown resources', () => {
  it('CBOR infers the value from the data item; text reads a string', () => {
    expect(decodeContent(ContentFormat.CBOR, hex('6161'), [31024, 0, 1], typeOf)).toEqual({ ok: true, value: [{ path: [31024, 0, 1], value: { type: 'string', value: 'a' } }] });
    expect(decodeContent(ContentFormat.CBOR, hex('182a'), [31024, 0, 1], typeOf)).toEqual({ ok: true, value: [{ path: [31024, 0, 1], value: { type: 'integer', value: 42n } }] });
    expect(decodeContent(ContentFormat.TEXT_PLAIN, utf8('42'), [31024, 0, 1], typeOf)).toEqual({ ok: true, value: [{ path: [31024, 0, 1], value: { type: 'string', value: '42' } }] });
  });
  it('a base time of 0 still gives every later record a time', () => {
    expect(senmlToLwm2m([{ bn: '/3/0/', bt: 0, n: '0', vs: 'a' }, { n: '1', vs: 'b' }], typeOf)).toMatchObject({ ok: true, value: [{ time: 0 }, { time: 0 }] });
  });
});
