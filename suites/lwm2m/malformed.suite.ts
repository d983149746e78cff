/**
 * Malformed CoAP at the LwM2M client, property-based: each case generates datagrams that break one
 * rule of RFC 7252 §3 (a GET of /3/0/0 with a random token, options and message id otherwise
 * valid), sends each raw to the registered client and judges what comes back with that message
 * id within a short window; after every datagram a liveness fence (CoAP ping answered RST, Read
 * /3/0 answered 2.05) proves the client survived. A format error in a CON may be answered with a
 * matching RST or ignored (RFC 7252 §4.2); a response with a code is never right, since the
 * client could not have read the request it would answer. A block-wise Package Write whose Block1
 * blocks come out of order (RFC 7959 §2.9.2) is refused with 4.08, and the Package reset after it.
 * @see docs/spec/lwm2m.md §1.1, §1.2, §1.6, §5 ("General rule for malformed datagrams")
 */
import fc from 'fast-check';
import { ContentFormat } from '../../src/codec/coap/content-format.ts';
import { CoapOption } from '../../src/codec/coap/options.ts';
import { encodeCoapUnchecked, rawOptionBytes, type RawOption, type UncheckedCoap } from '../../src/codec/coap/unchecked.ts';
import { blockSize, encodeBlockValue, encodeUintValue } from '../../src/codec/coap/values.ts';
import { collectIncoming, defineSuite, type CaseContext } from '../../src/conformance/index.ts';
import { resetFirmware } from './support/firmware-helpers.ts';

/** How long a datagram's answer is waited for: a client answers a GET on loopback in a few ms. */
const ANSWER_WINDOW_MS = 150;
const RUNS = { default: 12 } as const;
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Uri-Path 3/0/0 and Accept text/plain, as raw options (deltas from 0). */
const GET_3_0_0: readonly RawOption[] = [
  { delta: CoapOption.URI_PATH, value: utf8('3') },
  { delta: 0, value: utf8('0') },
  { delta: 0, value: utf8('0') },
  { delta: CoapOption.ACCEPT - CoapOption.URI_PATH, value: new Uint8Array(0) },
];

const tokenArb = fc.uint8Array({ minLength: 0, maxLength: 8 });

/** A valid CON GET /3/0/0 (Accept 0) with a fresh message id; the variant changes one thing. */
function getRequest(ctx: CaseContext, token: Uint8Array): UncheckedCoap {
  return { type: 'CON', code: '0.01', messageId: ctx.lwm2m.server.coap.nextMessageId(), token, options: GET_3_0_0 };
}

/** Datagrams the client sent back with the message id of `bytes`, within the answer window. */
async function answersTo(ctx: CaseContext, bytes: Uint8Array) {
  const { lwm2m } = ctx;
  const mid = messageIdOf(bytes);
  const peer = lwm2m.registration().peer;
  ctx.mark('malformed datagram');
  return collectIncoming(lwm2m.server.coap, (m) => messageIdOf(m.bytes) === mid, ANSWER_WINDOW_MS, () => lwm2m.server.coap.sendRaw(bytes, peer));
}

/** Message id of a datagram (bytes 2-3). */
const messageIdOf = (b: Uint8Array): number | undefined => (b.length >= 4 ? (b[2]! << 8) | b[3]! : undefined);
const isReset = (bytes: Uint8Array): boolean => bytes.length === 4 && ((bytes[0]! >> 4) & 3) === 3 && bytes[1] === 0;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A format error: a matching RST, or nothing; never a response with a code. */
async function expectFormatError(ctx: CaseContext, bytes: Uint8Array, label: string): Promise<void> {
  const got = await answersTo(ctx, bytes);
  const wrong = got.find((m) => !isReset(m.bytes));
  ctx.expect.that(wrong === undefined, {
    check: 'format error',
    expected: `a matching RST or no answer to ${label} (${hex(bytes)})`,
    actual: wrong === undefined ? '' : `${wrong.message ? `${wrong.message.type} ${wrong.message.code}` : 'an undecodable datagram'} (${hex(wrong.bytes)})`,
    frame: wrong?.bytes ?? bytes,
  });
  ctx.expect.note(got.length === 0 ? 'format errors are ignored (no answer)' : 'format errors in a CON are answered with RST');
}

/** One disorder of a Block1 series: a first block with NUM > 0, a gap after n blocks, or an earlier block (not 0, which restarts) again. */
const DISORDER_ARB = fc.oneof(
  fc.record({ kind: fc.constant('late start' as const), first: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('gap' as const), sent: fc.integer({ min: 1, max: 3 }), skip: fc.integer({ min: 1, max: 3 }) }),
  fc.integer({ min: 3, max: 4 }).chain((sent) => fc.record({ kind: fc.constant('earlier block again' as const), sent: fc.constant(sent), again: fc.integer({ min: 1, max: sent - 2 }) })),
);
type Disorder = typeof DISORDER_ARB extends fc.Arbitrary<infer T> ? T : never;

/** The blocks sent in order (NUM 0..n-1) and the out-of-order NUM that follows them. */
function blockPlan(d: Disorder): { inOrder: number[]; wrong: number } {
  if (d.kind === 'late start') return { inOrder: [], wrong: d.first };
  const inOrder = Array.from({ length: d.sent }, (_, i) => i);
  return { inOrder, wrong: d.kind === 'gap' ? d.sent + d.skip : d.again };
}

/**
 * One Package block (M=1, a full block of filler) under `token`, or under a fresh token when none
 * is given (a series that was never started); the response code (or RST) and the token used.
 */
async function sendPackageBlock(ctx: CaseContext, token: Uint8Array | undefined, szx: number, num: number): Promise<{ code: string; token: Uint8Array }> {
  const { lwm2m } = ctx;
  const options = [
    { number: CoapOption.CONTENT_FORMAT, value: encodeUintValue(ContentFormat.OCTET_STREAM) },
    { number: CoapOption.BLOCK1, value: encodeBlockValue({ num, more: true, szx }) },
  ];
  const payload = new Uint8Array(blockSize(szx)).fill(num & 0xff);
  const outcome = await lwm2m.server.coap.request(lwm2m.registration().peer, { method: '0.03', path: ['5', '0', '0'], options, payload, ...(token === undefined ? {} : { token }) });
  return { code: outcome.kind === 'response' ? outcome.response.code : 'RST', token: outcome.request.token };
}

const FORMAT_ERROR = { requires: ['lwm2m', 'lwm2m.obj.3'], story: 'malformed datagrams', numRuns: RUNS, aliveEvery: 1 } as const;

defineSuite({ id: 'lwm2m/malformed', protocol: 'CoAP', feature: 'malformed', title: 'Malformed CoAP datagrams at the LwM2M client' }, (s) => {
  s.property({
    ...FORMAT_ERROR,
    id: 'LWM2M-MAL-VER-001',
    title: 'a datagram with a CoAP version other than 1 is silently ignored',
    level: 'MUST',
    spec: { doc: 'rfc7252', section: '3', quote: 'Messages with unknown version numbers MUST be silently ignored.' },
    stimulus: 'Generated (version 0, 2 or 3; CON or NON; token): GET /3/0/0 with that version.',
    requirement: 'No datagram with its message id (not even RST); the client stays alive.',
    arbitrary: fc.record({ version: fc.constantFrom(0, 2, 3), type: fc.constantFrom('CON' as const, 'NON' as const), token: tokenArb }),
    async predicate(ctx, { version, type, token }) {
      const bytes = encodeCoapUnchecked({ ...getRequest(ctx, token), version, type });
      const got = await answersTo(ctx, bytes);
      ctx.expect.that(got.length === 0, { check: 'silence', expected: `no answer to version ${version} (${hex(bytes)})`, actual: got.map((m) => hex(m.bytes)).join(', '), frame: got[0]?.bytes ?? bytes });
    },
  });

  s.property({
    ...FORMAT_ERROR,
    id: 'LWM2M-MAL-TKL-001',
    title: 'a token length of 9-15 is a message format error (RST or ignored)',
    level: 'MUST',
    spec: { doc: 'rfc7252', section: '3', quote: 'Lengths 9-15 are reserved, MUST NOT be sent, and MUST be processed as a message format error.' },
    stimulus: 'Generated (TKL 9-15, that many token bytes): CON GET /3/0/0.',
    requirement: 'A matching RST or no answer; never a response.',
    arbitrary: fc.integer({ min: 9, max: 15 }).chain((tkl) => fc.uint8Array({ minLength: tkl, maxLength: tkl })),
    async predicate(ctx, token) {
      await expectFormatError(ctx, encodeCoapUnchecked(getRequest(ctx, token)), `TKL ${token.length}`);
    },
  });

  s.property({
    ...FORMAT_ERROR,
    id: 'LWM2M-MAL-NIBBLE-001',
    title: 'an option delta or length nibble of 15 outside the payload marker is a message format error',
    level: 'MUST',
    spec: { doc: 'rfc7252', section: '3.1', quote: 'If the field is set to this value but the entire byte is not the payload marker, this MUST be processed as a message format error.' },
    stimulus: 'Generated (which nibble, the other nibble, token): CON GET /3/0/0 followed by one option byte with nibble 15 that is not 0xFF.',
    requirement: 'A matching RST or no answer; never a response.',
    arbitrary: fc.record({ isDelta: fc.boolean(), other: fc.integer({ min: 0, max: 12 }), token: tokenArb }),
    async predicate(ctx, { isDelta, other, token }) {
      const bad: RawOption = isDelta ? { delta: 0, value: new Uint8Array(0), deltaNibble: 15, lengthNibble: other } : { delta: 1, value: new Uint8Array(0), deltaNibble: other, lengthNibble: 15 };
      await expectFormatError(ctx, encodeCoapUnchecked({ ...getRequest(ctx, token), options: [...GET_3_0_0, bad] }), `${isDelta ? 'delta' : 'length'} nibble 15`);
    },
  });

  s.property({
    ...FORMAT_ERROR,
    id: 'LWM2M-MAL-MARKER-001',
    title: 'a request with a payload marker and no payload is a message format error',
    level: 'MUST',
    spec: { doc: 'rfc7252', section: '3', quote: 'The presence of a marker followed by a zero-length payload MUST be processed as a message format error.' },
    stimulus: 'Generated (token): CON GET /3/0/0 ending in 0xFF.',
    requirement: 'A matching RST or no answer; never a response.',
    arbitrary: tokenArb,
    async predicate(ctx, token) {
      await expectFormatError(ctx, encodeCoapUnchecked({ ...getRequest(ctx, token), marker: true }), 'a payload marker with no payload');
    },
  });

  s.property({
    ...FORMAT_ERROR,
    id: 'LWM2M-MAL-TRUNC-001',
    title: 'a datagram whose last option runs past its end is a message format error',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '5 (general rule for malformed datagrams)', quote: 'unparseable CON → RST or silent drop (never a 4.xx with a guessed token)' },
    stimulus: 'Generated (token; a value shorter than its length claims, or a delta/length extension byte missing): CON GET /3/0/0 plus that last option.',
    requirement: 'A matching RST or no answer; never a response.',
    arbitrary: fc.record({
      token: tokenArb,
      cut: fc.oneof(
        fc.record({ kind: fc.constant('value' as const), value: fc.uint8Array({ minLength: 0, maxLength: 6 }), missing: fc.integer({ min: 1, max: 20 }) }),
        fc.record({ kind: fc.constant('extension' as const), nibble: fc.constantFrom(13, 14), isDelta: fc.boolean() }),
      ),
    }),
    async predicate(ctx, { token, cut }) {
      const base = encodeCoapUnchecked(getRequest(ctx, token));
      // Option 65001 onwards is experimental: a complete one would be an unknown elective option.
      const last = cut.kind === 'value'
        ? rawOptionBytes({ delta: 65000 - CoapOption.ACCEPT, value: cut.value, claimedLength: cut.value.length + cut.missing })
        : Uint8Array.of(cut.isDelta ? (cut.nibble << 4) : cut.nibble);
      const bytes = new Uint8Array(base.length + last.length);
      bytes.set(base);
      bytes.set(last, base.length);
      await expectFormatError(ctx, bytes, cut.kind === 'value' ? `an option value ${cut.missing} byte(s) short` : `a ${cut.isDelta ? 'delta' : 'length'} extension missing`);
    },
  });

  s.property({
    id: 'LWM2M-MAL-PATH-001',
    title: 'a path of more than 4 segments, or with an id above 65534, is refused with a 4.xx',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '2.1 Paths', quote: '`/{ObjectID}/{InstanceID}/{ResourceID}/{ResourceInstanceID}` — each a decimal 0..65534 (65535 = reserved "MAX_ID").' },
    stimulus: 'Generated: GET /3/0/11/0 plus 1-3 more segments, or GET /3/0/0 with one id raised by a multiple of 65536 (or set to 65535).',
    requirement: 'A 4.xx client error (4.00, 4.02 and 4.04 are seen in real clients; which one is recorded); never 2.05 for a path that is not one.',
    requires: ['lwm2m', 'lwm2m.obj.3'],
    story: 'malformed paths',
    numRuns: RUNS,
    aliveEvery: 1,
    arbitrary: fc.oneof(
      fc.array(fc.integer({ min: 0, max: 65534 }), { minLength: 1, maxLength: 3 }).map((extra) => ['3', '0', '11', '0', ...extra.map(String)]),
      fc.record({ at: fc.integer({ min: 0, max: 2 }), k: fc.integer({ min: 0, max: 14 }) }).map(({ at, k }) => ['3', '0', '0'].map((s, i) => (i === at ? String(k === 0 ? 65535 : Number(s) + 65536 * k) : s))),
    ),
    async predicate(ctx, segments) {
      const { lwm2m, expect } = ctx;
      const path = `/${segments.join('/')}`;
      const outcome = await lwm2m.server.coap.request(lwm2m.registration().peer, { method: '0.01', path: segments });
      const code = outcome.kind === 'response' ? outcome.response.code : 'RST';
      expect.that(code.startsWith('4.'), { check: 'path refused', expected: `a 4.xx answer to GET ${path}`, actual: code });
      expect.note(`refused with ${code}`);
    },
  });

  s.property({
    id: 'LWM2M-MAL-BLOCK-001',
    title: 'a Block1 block out of order (late start, gap or an earlier block again) is refused with 4.08',
    level: 'MUST',
    spec: { doc: 'rfc7959', section: '2.9.2', quote: 'This new client error status code indicates that the server has not received the blocks of the request body that it needs to proceed. The client has not sent all blocks, not sent them in the order required by the server, or has sent them long enough ago that the server has already discarded them.' },
    stimulus: 'Generated (block size 64-256 bytes, one disorder; a fresh token per series): a block-wise Package Write (PUT /5/0/0, application/octet-stream, every block M=1) that starts with NUM > 0, or sends blocks 0..n-1 then skips ahead, or sends blocks 0..n-1 then an earlier block other than 0 again; an empty Package write before and after.',
    requirement: 'The out-of-order block is answered 4.08 Request Entity Incomplete (never 2.31 or 2.04: the client cannot have the blocks before it); the client stays alive.',
    requires: ['lwm2m', 'lwm2m.obj.5'],
    story: 'malformed block-wise transfers',
    numRuns: RUNS,
    aliveEvery: 1,
    arbitrary: fc.record({ szx: fc.constantFrom(2, 3, 4), disorder: DISORDER_ARB }),
    async predicate(ctx, { szx, disorder }) {
      const { lwm2m, expect } = ctx;
      await resetFirmware(lwm2m);
      try {
        const { inOrder, wrong } = blockPlan(disorder);
        // A fresh token per series: a transfer the client still keeps from an earlier run is not this one.
        const before: string[] = [];
        let token: Uint8Array | undefined;
        for (const num of inOrder) {
          const sent = await sendPackageBlock(ctx, token, szx, num);
          token = sent.token;
          before.push(`${num}: ${sent.code}`);
        }
        ctx.mark('out-of-order block');
        const { code } = await sendPackageBlock(ctx, token, szx, wrong);
        const label = `block ${wrong} (${blockSize(szx)}-byte blocks) after ${inOrder.length === 0 ? 'no block' : `blocks ${inOrder.join(', ')}`}`;
        expect.that(code === '4.08', { check: 'Request Entity Incomplete', expected: `4.08 to ${label} (${disorder.kind})`, actual: code });
        if (before.length > 0) expect.note(`blocks before it answered ${before.join(', ')}`);
      } finally {
        await resetFirmware(lwm2m);
      }
    },
  });
});
