/** CoAP message codec: round-trip properties, no-throw on hostile bytes, every format error. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesEqual, fromHex, toHex } from '../../../../src/core/bytes.ts';
import {
  arbCoapDatagram,
  arbCoapEmpty,
  arbCoapMessage,
  decodeCoap,
  encodeCoap,
  encodeCoapUnchecked,
  malformedCoapCatalogue,
  optionsOutOfOrder,
  type CoapMessage,
} from '../../../../src/codec/coap/index.ts';

function sameMessage(a: CoapMessage, b: CoapMessage): boolean {
  return (
    a.type === b.type &&
    a.code === b.code &&
    a.messageId === b.messageId &&
    bytesEqual(a.token, b.token) &&
    bytesEqual(a.payload, b.payload) &&
    a.options.length === b.options.length &&
    a.options.every((o, i) => o.number === b.options[i]!.number && bytesEqual(o.value, b.options[i]!.value))
  );
}

describe('encodeCoap / decodeCoap', () => {
  it('round-trips any well-formed message (10 000 runs)', () => {
    fc.assert(
      fc.property(arbCoapMessage, (m) => {
        const d = decodeCoap(encodeCoap(m));
        return d.ok && sameMessage(d.value, m);
      }),
      { numRuns: 10_000 },
    );
  });

  it('round-trips Empty messages (ping, empty ACK, RST)', () => {
    fc.assert(fc.property(arbCoapEmpty, (m) => {
      const bytes = encodeCoap(m);
      const d = decodeCoap(bytes);
      return bytes.length === 4 && d.ok && sameMessage(d.value, m);
    }));
  });

  it('never throws on arbitrary bytes, and what it accepts re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(arbCoapDatagram, (bytes) => {
        const d = decodeCoap(bytes);
        if (!d.ok) return d.error.at >= 0 && d.error.at <= bytes.length;
        // Non-minimal extensions (nibble 13 for a value < 13 is impossible, but 14 for < 269 is not) can differ.
        return decodeCoap(encodeCoap(d.value)).ok;
      }),
      { numRuns: 10_000 },
    );
  });

  it('sorts options stably by number when encoding', () => {
    const bytes = encodeCoap({
      type: 'CON', code: '0.01', messageId: 1, token: new Uint8Array(0), payload: new Uint8Array(0),
      options: [{ number: 15, value: fromHex('61') }, { number: 11, value: fromHex('72') }, { number: 15, value: fromHex('62') }],
    });
    expect(toHex(bytes)).toBe('40010001b172' + '4161' + '0162');
  });

  it('writes 1- and 2-byte extensions at the nibble boundaries 13 and 269', () => {
    const mk = (number: number, len: number) => encodeCoap({ type: 'NON', code: '0.02', messageId: 0, token: new Uint8Array(0), payload: new Uint8Array(0), options: [{ number, value: new Uint8Array(len) }] });
    expect(toHex(mk(12, 0).subarray(4))).toBe('c0');
    expect(toHex(mk(13, 0).subarray(4))).toBe('d000');
    expect(toHex(mk(268, 0).subarray(4))).toBe('d0ff');
    expect(toHex(mk(269, 0).subarray(4))).toBe('e00000');
    expect(toHex(mk(65535, 0).subarray(4))).toBe('e0fef2');
    expect(toHex(mk(1, 13).subarray(4, 6))).toBe('1d00');
    expect(toHex(mk(1, 269).subarray(4, 7))).toBe('1e0000');
  });

  it('refuses fields no valid message can hold', () => {
    const base: CoapMessage = { type: 'CON', code: '0.01', messageId: 1, token: new Uint8Array(0), options: [], payload: new Uint8Array(0) };
    expect(() => encodeCoap({ ...base, token: new Uint8Array(9) })).toThrow(/token of 9/);
    expect(() => encodeCoap({ ...base, code: '2.5' })).toThrow(/c\.dd/);
    expect(() => encodeCoap({ ...base, code: '8.00' })).toThrow(/c\.dd/);
    expect(() => encodeCoap({ ...base, messageId: 0x10000 })).toThrow(/message id/);
    expect(() => encodeCoap({ ...base, code: '0.00', token: Uint8Array.of(1) })).toThrow(/Empty message/);
    expect(() => encodeCoap({ ...base, options: [{ number: 0x10000, value: new Uint8Array(0) }] })).toThrow(/option number/);
  });
});

describe('decodeCoap format errors', () => {
  const cases: [string, string, 'incomplete' | 'invalid', string][] = [
    ['3 bytes', '400100', 'incomplete', 'truncated-header'],
    ['version 0', '00010001', 'invalid', 'bad-version'],
    ['version 2', '80010001', 'invalid', 'bad-version'],
    ['TKL 9', '49010001' + '00'.repeat(9), 'invalid', 'token-length'],
    ['TKL 15', '4f010001' + '00'.repeat(15), 'invalid', 'token-length'],
    ['token cut short', '44010001aabb', 'incomplete', 'truncated-token'],
    ['delta nibble 15', '40010001f1', 'invalid', 'reserved-nibble'],
    ['length nibble 15', '40010001bf', 'invalid', 'reserved-nibble'],
    ['1-byte delta extension missing', '40010001d0', 'incomplete', 'truncated-option'],
    ['2-byte length extension cut', '400100011e00', 'incomplete', 'truncated-option'],
    ['option value past the end', '40010001b3616263'.slice(0, 14), 'incomplete', 'truncated-option'],
    ['payload marker with no payload', '40010001b133ff', 'invalid', 'marker-without-payload'],
    ['option number above 65535', '40010001e0fef2e00000', 'invalid', 'option-number-range'],
    ['Empty message with a token', '41000001aa', 'invalid', 'empty-message-content'],
    ['Empty message with a payload', '40000001ff00', 'invalid', 'empty-message-content'],
  ];
  it.each(cases)('%s → %s %s', (_label, hex, kind, reason) => {
    const d = decodeCoap(fromHex(hex));
    expect(d.ok).toBe(false);
    if (!d.ok) expect([d.error.kind, d.error.reason]).toEqual([kind, reason]);
  });

  it('the malformed catalogue: each entry is refused or (where the codec cannot know) decodes', () => {
    const results = Object.fromEntries(malformedCoapCatalogue(7).map((m) => {
      const d = decodeCoap(m.bytes);
      return [m.label, d.ok ? 'decodes' : d.error.reason];
    }));
    expect(results).toEqual({
      'version 2': 'bad-version',
      'version 0': 'bad-version',
      'TKL 9': 'token-length',
      'TKL 15': 'token-length',
      'token shorter than TKL': 'truncated-token',
      'option length past end': 'truncated-option',
      'delta nibble 15': 'reserved-nibble',
      'length nibble 15': 'reserved-nibble',
      'payload marker with no payload': 'marker-without-payload',
      // Syntax is fine: the receiver's option registry judges these.
      'unknown critical option 9999': 'decodes',
      'Empty message with token': 'empty-message-content',
      'Content-Format twice': 'decodes',
      'Uri-Path of 256 bytes': 'decodes',
    });
  });

  it('options out of order land on a different number (11 then 17)', () => {
    const d = decodeCoap(optionsOutOfOrder(3).bytes);
    expect(d.ok && d.value.options.map((o) => o.number)).toEqual([11, 17]);
  });

  it('the unchecked builder reproduces a valid encoding when told the truth', () => {
    const bytes = encodeCoapUnchecked({ type: 'CON', code: '0.02', messageId: 0x1234, token: fromHex('aabbccdd'), options: [{ delta: 11, value: fromHex('7264') }], payload: fromHex('3c2f3e') });
    expect(toHex(bytes)).toBe('44021234aabbccddb27264ff3c2f3e');
  });
});
