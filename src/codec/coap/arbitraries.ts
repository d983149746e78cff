/**
 * fast-check arbitraries for CoAP: well-formed messages of every type with any registered or
 * unregistered option (values up to the 2-byte length extension), and arbitrary datagrams.
 * @see docs/spec/lwm2m.md §1.1, §1.6
 */
import fc from 'fast-check';
import { COAP_TYPES, type CoapMessage, type CoapOptionValue } from './message.ts';
import { codeFromByte } from './codes.ts';

/** Option numbers around every nibble boundary (12/13, 268/269) and beyond. */
const arbOptionNumber = fc.oneof(
  fc.constantFrom(1, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15, 17, 23, 27, 28, 35, 60, 258, 292),
  fc.integer({ min: 0, max: 300 }),
  fc.integer({ min: 0, max: 0xffff }),
);

/** Option value lengths around every nibble boundary. */
const arbOptionBytes = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ maxLength: 14 }) },
  { weight: 2, arbitrary: fc.uint8Array({ minLength: 12, maxLength: 300 }) },
  { weight: 1, arbitrary: fc.integer({ min: 265, max: 1100 }).map((n) => new Uint8Array(n).fill(n & 0xff)) },
);

/** One option. */
export const arbCoapOption: fc.Arbitrary<CoapOptionValue> = fc.record({ number: arbOptionNumber, value: arbOptionBytes });

/** Any non-Empty code byte (requests, responses, reserved classes). */
const arbCode = fc.integer({ min: 1, max: 0xff }).map(codeFromByte);

/** A well-formed message whose options are in ascending order (what `decodeCoap` returns). */
export const arbCoapMessage: fc.Arbitrary<CoapMessage> = fc
  .record({
    type: fc.constantFrom(...COAP_TYPES),
    code: arbCode,
    messageId: fc.integer({ min: 0, max: 0xffff }),
    token: fc.uint8Array({ maxLength: 8 }),
    options: fc.array(arbCoapOption, { maxLength: 8 }),
    payload: fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ minLength: 1, maxLength: 1100 })),
  })
  .map((m) => ({ ...m, options: [...m.options].sort((a, b) => a.number - b.number) }));

/** The Empty message (ping, empty ACK, RST). */
export const arbCoapEmpty: fc.Arbitrary<CoapMessage> = fc.record({
  type: fc.constantFrom(...COAP_TYPES),
  code: fc.constant('0.00'),
  messageId: fc.integer({ min: 0, max: 0xffff }),
  token: fc.constant(new Uint8Array(0)),
  options: fc.constant([]),
  payload: fc.constant(new Uint8Array(0)),
});

/** Arbitrary datagrams, biased to start like CoAP (version 1). */
export const arbCoapDatagram: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.tuple(fc.integer({ min: 0x40, max: 0x7f }), fc.uint8Array({ maxLength: 80 })).map(([b0, rest]) => Uint8Array.of(b0, ...rest)),
);
