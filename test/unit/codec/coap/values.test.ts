/** Option registry, code registry and option value forms (uint, Block, Observe, Uri). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex, toHex } from '../../../../src/core/bytes.ts';
import {
  COAP_CODE_NAMES, COAP_OPTIONS, CoapOption, blockSize, codeFromByte, codeToByte, coapOptionNumber, decodeBlockValue, decodeObserveValue,
  decodeUintValue, encodeBlockValue, encodeObserveValue, encodeUintValue, isCriticalOption, isNewerObserve, isNoCacheKeyOption,
  isUnsafeOption, szxForSize, uriPath, uriPathOptions, uriQueryOptions, uriQueryParams, isRequestCode, isResponseCode,
} from '../../../../src/codec/coap/index.ts';

describe('option registry', () => {
  it('derives critical / unsafe / no-cache-key from the number (RFC 7252 §5.10 table)', () => {
    const flags = (n: number) => [isCriticalOption(n), isUnsafeOption(n), isNoCacheKeyOption(n)];
    expect(flags(CoapOption.IF_MATCH)).toEqual([true, false, false]);
    expect(flags(CoapOption.URI_HOST)).toEqual([true, true, false]);
    expect(flags(CoapOption.ETAG)).toEqual([false, false, false]);
    expect(flags(CoapOption.OBSERVE)).toEqual([false, true, false]);
    expect(flags(CoapOption.SIZE1)).toEqual([false, false, true]);
    expect(flags(CoapOption.SIZE2)).toEqual([false, false, true]);
    expect(flags(CoapOption.BLOCK1)).toEqual([true, true, false]);
    expect(flags(CoapOption.PROXY_URI)).toEqual([true, true, false]);
  });
  it('spells names as the RFCs do and keeps numbers unique', () => {
    expect(coapOptionNumber('Uri-Path')).toBe(11);
    expect(coapOptionNumber('Content-Format')).toBe(12);
    expect(coapOptionNumber('Location-Path')).toBe(8);
    expect(new Set(COAP_OPTIONS.map((o) => o.number)).size).toBe(COAP_OPTIONS.length);
    for (const [key, n] of Object.entries(CoapOption)) expect(COAP_OPTIONS.some((o) => o.number === n), key).toBe(true);
  });
});

describe('codes', () => {
  it('maps bytes and dotted codes both ways', () => {
    expect(codeFromByte(0x45)).toBe('2.05');
    expect(codeFromByte(0x5f)).toBe('2.31');
    expect(codeToByte('4.13')).toBe(0x8d);
    for (let b = 0; b < 256; b++) expect(codeToByte(codeFromByte(b))).toBe(b);
    expect(COAP_CODE_NAMES['0.07']).toBe('iPATCH');
    expect(COAP_CODE_NAMES['4.08']).toBe('Request Entity Incomplete');
    expect([isRequestCode('0.01'), isRequestCode('0.00'), isResponseCode('2.05'), isResponseCode('1.00')]).toEqual([true, false, true, false]);
  });
});

describe('uint values', () => {
  it('are minimal, zero is empty', () => {
    expect(toHex(encodeUintValue(0))).toBe('');
    expect(toHex(encodeUintValue(40))).toBe('28');
    expect(toHex(encodeUintValue(11542))).toBe('2d16');
    expect(toHex(encodeUintValue(0x1_0000))).toBe('010000');
    expect(toHex(encodeUintValue(0xffff_ffff))).toBe('ffffffff');
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), (n) => {
      const r = decodeUintValue(encodeUintValue(n));
      return r.ok && r.value === n;
    }));
    expect(decodeUintValue(fromHex('0028'))).toEqual({ ok: true, value: 40 });
    expect(decodeUintValue(new Uint8Array(5)).ok).toBe(false);
  });
});

describe('Block values (RFC 7959 §2.2)', () => {
  it('match the digest examples', () => {
    expect(toHex(encodeBlockValue({ num: 0, more: true, szx: 6 }))).toBe('0e');
    expect(toHex(encodeBlockValue({ num: 1, more: true, szx: 6 }))).toBe('1e');
    expect(toHex(encodeBlockValue({ num: 5, more: false, szx: 6 }))).toBe('56');
    expect(toHex(encodeBlockValue({ num: 16, more: true, szx: 2 }))).toBe('010a');
    expect(toHex(encodeBlockValue({ num: 0, more: false, szx: 0 }))).toBe('');
  });
  it('round-trip every NUM, M and SZX 0-6; sizes 16..1024', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xf_ffff }), fc.boolean(), fc.integer({ min: 0, max: 6 }), (num, more, szx) => {
      const r = decodeBlockValue(encodeBlockValue({ num, more, szx }));
      return r.ok && r.value.num === num && r.value.more === more && r.value.szx === szx;
    }));
    expect([0, 1, 2, 3, 4, 5, 6].map(blockSize)).toEqual([16, 32, 64, 128, 256, 512, 1024]);
    expect([szxForSize(16), szxForSize(1024), szxForSize(2048), szxForSize(100)]).toEqual([0, 6, undefined, undefined]);
  });
  it('refuse SZX 7 (reserved on UDP) and values over 3 bytes', () => {
    expect(decodeBlockValue(fromHex('0f')).ok).toBe(false);
    expect(decodeBlockValue(fromHex('01000000')).ok).toBe(false);
    expect(() => encodeBlockValue({ num: 0, more: false, szx: 7 })).toThrow(/SZX/);
    expect(() => encodeBlockValue({ num: 0x10_0000, more: false, szx: 0 })).toThrow(/NUM/);
  });
});

describe('Observe values (RFC 7641)', () => {
  it('are 0-3 bytes', () => {
    expect(toHex(encodeObserveValue(0))).toBe('');
    expect(toHex(encodeObserveValue(1))).toBe('01');
    expect(toHex(encodeObserveValue(0xff_ffff))).toBe('ffffff');
    expect(() => encodeObserveValue(0x100_0000)).toThrow();
    expect(decodeObserveValue(fromHex('00000001')).ok).toBe(false);
  });
  it('order with 24-bit wrap-around (§3.4)', () => {
    expect(isNewerObserve(5, 6, 0)).toBe(true);
    expect(isNewerObserve(6, 5, 0)).toBe(false);
    expect(isNewerObserve(0xff_fff0, 2, 0)).toBe(true);
    expect(isNewerObserve(2, 0xff_fff0, 0)).toBe(false);
    expect(isNewerObserve(6, 5, 129_000)).toBe(true);
  });
});

describe('Uri helpers', () => {
  it('build and read Uri-Path and Uri-Query', () => {
    const options = [...uriPathOptions('/rd/5a3f'), ...uriQueryOptions(['ep=node1', ['lt', '300'], ['Q', undefined]])];
    expect(uriPath({ options })).toEqual(['rd', '5a3f']);
    expect(uriQueryParams({ options })).toEqual([['ep', 'node1'], ['lt', '300'], ['Q', undefined]]);
    expect(uriPathOptions('/')).toEqual([]);
  });
});
