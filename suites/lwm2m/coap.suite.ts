/**
 * CoAP rules a LwM2M client's endpoint must keep: the token echoed, an unknown critical option
 * refused, a duplicate CON answered once and run once, no payload marker before an empty
 * payload, NON requests answered, pings reset; piggybacked or separate responses recorded.
 * @see docs/spec/lwm2m.md §1.2, §1.4, §1.5, §5
 */
import { uintOptionValue } from '../../src/codec/coap/access.ts';
import { ContentFormat } from '../../src/codec/coap/content-format.ts';
import { encodeCoap } from '../../src/codec/coap/message.ts';
import { CoapOption } from '../../src/codec/coap/options.ts';
import { coapAnswer, collectIncoming, defineSuite } from '../../src/conformance/index.ts';
import { restoreText, sleep, type Lwm2mSide } from './support/lwm2m-data.ts';

/** An option number no registry assigns; odd, so critical (RFC 7252 §5.4.6). */
const UNKNOWN_CRITICAL_OPTION = 2049;
const accept = (f: number) => uintOptionValue(CoapOption.ACCEPT, f);

/** GET as a raw CON datagram (a malformed answer never completes a normal exchange); the first datagram with its MID. */
async function rawGet(side: Lwm2mSide, path: string[]) {
  const request = side.server.coap.buildRequest({ method: '0.01', path, options: [accept(ContentFormat.TEXT_PLAIN)] });
  const peer = side.registration().peer;
  const got = await collectIncoming(side.server.coap, (m) => m.bytes.length >= 4 && ((m.bytes[2]! << 8) | m.bytes[3]!) === request.messageId, 800, () => side.server.coap.sendRaw(encodeCoap(request), peer));
  return got[0];
}

/** Updates the server holds from the endpoint, once none has arrived for `quietMs` (at most `maxMs`). */
async function updateCountOnceQuiet(lwm2m: Lwm2mSide, quietMs = 1000, maxMs = 6000): Promise<number> {
  const count = (): number => lwm2m.server.history.filter((h) => h.kind === 'update' && h.endpoint === lwm2m.endpoint).length;
  const started = Date.now();
  let last = count();
  let quietSince = Date.now();
  while (Date.now() - quietSince < quietMs && Date.now() - started < maxMs) {
    await sleep(100);
    const now = count();
    if (now !== last) {
      last = now;
      quietSince = Date.now();
    }
  }
  return last;
}

defineSuite({ id: 'lwm2m/coap', protocol: 'LwM2M', feature: 'coap', title: 'CoAP rules at the LwM2M client' }, (s) => {
  // "The response MUST echo the token of the request" (RFC 7252 §5.3.2).
  s.case({
    id: 'LWM2M-COAP-TOKEN-001',
    title: 'a response carries the request token byte for byte',
    level: 'MUST',
    spec: { doc: 'rfc7252', section: '5.3.2', quote: 'In a piggybacked response, the Message ID of the Confirmable request and the Acknowledgement MUST match, and the tokens of the response and original request MUST match.' },
    stimulus: 'GET /3/0/0 (Accept 0) with an 8-byte token.',
    requirement: 'The 2.05 carries the same 8-byte token.',
    requires: ['lwm2m', 'lwm2m.obj.3'],
    story: 'token',
    async run({ lwm2m, expect }) {
      const rsp = await lwm2m.server.read(lwm2m.endpoint, '/3/0/0', { accept: ContentFormat.TEXT_PLAIN });
      expect.coapToken(rsp);
      expect.coapCode(rsp, '2.05');
    },
  });

  // "Unrecognized options of class critical ... in a Confirmable request MUST cause ... 4.02" (RFC 7252 §5.4.1).
  s.case({
    id: 'LWM2M-COAP-OPT-001',
    title: 'a request with an unknown critical option is refused with 4.02',
    level: 'MUST',
    spec: { doc: 'rfc7252', section: '5.4.1', quote: 'Unrecognized options of class "critical" that occur in a Confirmable request MUST cause the return of a 4.02 (Bad Option) response.' },
    stimulus: `GET /3/0/0 carrying option ${UNKNOWN_CRITICAL_OPTION} (unassigned, critical), then If-None-Match on a GET.`,
    requirement: '4.02 Bad Option to the first; the client keeps answering.',
    requires: ['lwm2m', 'lwm2m.obj.3'],
    story: 'options',
    async run({ lwm2m, expect }) {
      const rsp = await lwm2m.server.read(lwm2m.endpoint, '/3/0/0', { extraOptions: [{ number: UNKNOWN_CRITICAL_OPTION, value: Uint8Array.of(1) }] });
      expect.coapCode(rsp, '4.02');
      await expect.alive();
    },
  });

  // "The recipient SHOULD acknowledge each duplicate copy ... but SHOULD process any request ... only once" (RFC 7252 §4.5).
  s.case({
    id: 'LWM2M-COAP-DEDUP-001',
    title: 'a duplicate CON request is answered again and executed once',
    level: 'SHOULD',
    spec: { doc: 'rfc7252', section: '4.5' },
    stimulus: 'Execute /1/0/8 (Registration Update Trigger) as a CON; send the same datagram (same MID) again.',
    requirement: 'The duplicate gets the same ACK; exactly one Update follows (the Execute ran once).',
    requires: ['lwm2m', 'lwm2m.obj.1'],
    story: 'deduplication',
    async run({ lwm2m, expect }) {
      const { server } = lwm2m;
      const peer = lwm2m.registration().peer;
      // An Update an earlier case set off (a lifetime written back) must not count for this Execute.
      const updatesBefore = await updateCountOnceQuiet(lwm2m);
      const request = server.coap.buildRequest({ method: '0.02', path: ['1', '0', '8'] });
      const first = coapAnswer(await server.coap.exchange(peer, request));
      expect.coapCode(first, '2.04');
      const again = await collectIncoming(server.coap, (m) => m.message?.type === 'ACK' && m.message.messageId === request.messageId, 800, () => server.coap.sendRaw(encodeCoap(request), peer));
      await sleep(1500);
      const updates = server.history.filter((h) => h.kind === 'update' && h.endpoint === lwm2m.endpoint).length - updatesBefore;
      expect.warn(again.length === 1 && again[0]!.message?.code === first.code, `the duplicate was answered ${again.length} time(s)${again[0] ? ` with ${again[0].message?.code}` : ''}, expected once with ${first.code}`);
      expect.warn(updates === 1, `the Execute ran ${updates} time(s): ${updates} Update(s) followed, expected 1`);
    },
  });

  // "A Payload Marker followed by a zero-length payload MUST be processed as a message format error" (RFC 7252 §3).
  s.case({
    id: 'LWM2M-COAP-MSG-001',
    title: 'a response with an empty payload carries no payload marker',
    level: 'MUST',
    spec: { doc: 'rfc7252', section: '3', quote: 'If present and of non-zero length, it is prefixed by a fixed, one-byte Payload Marker (0xFF), which indicates the end of options and the start of the payload.' },
    stimulus: 'GET /3/0/14 (UTC Offset, Accept 0) as raw datagrams; when it is not empty, PUT "" first and restore it afterwards.',
    requirement: 'The 2.05 to an empty value ends without a 0xFF marker (it decodes as CoAP).',
    requires: ['lwm2m', 'lwm2m.obj.3'],
    story: 'message format',
    async run({ lwm2m, expect }) {
      let got = await rawGet(lwm2m, ['3', '0', '14']);
      const old = got?.message?.payload;
      const isEmptyValue = got !== undefined && (got.error !== undefined || got.message?.payload.length === 0);
      if (!isEmptyValue) {
        expect.coapCode(await lwm2m.server.write(lwm2m.endpoint, '/3/0/14', { format: ContentFormat.TEXT_PLAIN, payload: new Uint8Array(0) }), '2.04');
        got = await rawGet(lwm2m, ['3', '0', '14']);
        if (old !== undefined) await restoreText(lwm2m, '/3/0/14', new TextDecoder().decode(old));
      }
      expect.that(got !== undefined, { expected: 'an answer to GET /3/0/14', actual: 'none within 800 ms' });
      expect.that(got!.error === undefined && got!.bytes.at(-1) !== 0xff, { expected: 'a well-formed CoAP response (no 0xFF before an empty payload)', actual: got!.error ?? 'ends with 0xFF', frame: got!.bytes });
    },
  });

  // RFC 7252 §5.2.3: a NON request is answered (in a NON); Zephyr v4.0 drops NON requests (docs/spec/lwm2m.md §5).
  s.case({
    id: 'LWM2M-COAP-NON-001',
    title: 'a NON request is answered like a CON one (in a NON response)',
    level: 'SHOULD',
    spec: { doc: 'rfc7252', section: '5.2.3' },
    stimulus: 'GET /3/0/0 (Accept 0) as a NON message.',
    requirement: 'A 2.05 with the same token within 2 s, preferably NON; silence is a deviation (Zephyr v4.0 drops NON requests).',
    requires: ['lwm2m', 'lwm2m.obj.3'],
    story: 'message types',
    async run({ lwm2m, expect }) {
      const spec = { method: '0.01', path: ['3', '0', '0'], options: [accept(ContentFormat.TEXT_PLAIN)], confirmable: false };
      const outcome = await lwm2m.server.coap.request(lwm2m.registration().peer, spec, { responseTimeoutMs: 2000 }).catch(() => undefined);
      if (!expect.warn(outcome !== undefined, 'no answer to a NON request within 2 s (the client drops NON requests)')) return;
      const rsp = coapAnswer(outcome!);
      expect.coapCode(rsp, '2.05');
      if (outcome!.kind === 'response') expect.note(`answered in a ${outcome!.response.type} message`);
    },
  });

  s.case({
    id: 'LWM2M-COAP-PING-001',
    title: 'an empty CON (CoAP ping) is answered with RST',
    level: 'SHOULD',
    spec: { doc: 'rfc7252', section: '4.3' },
    stimulus: 'An empty CON message (code 0.00, no token).',
    requirement: 'A RST with the same message id.',
    requires: ['lwm2m'],
    story: 'message types',
    async run({ lwm2m, expect }) {
      const ping = { type: 'CON' as const, code: '0.00', messageId: lwm2m.server.coap.nextMessageId(), token: new Uint8Array(0), options: [], payload: new Uint8Array(0) };
      const pong = await lwm2m.server.coap.exchange(lwm2m.registration().peer, ping, { responseTimeoutMs: 2000 }).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
      // The endpoint reads an empty ACK as "a separate response follows": waiting for it then times out.
      const unanswered = (e: Error): string => (e.message.includes('(separate response)') ? 'with an empty ACK (no RST), and nothing after it' : `not at all (${e.message})`);
      expect.warn(!(pong instanceof Error) && pong.kind === 'reset', `ping answered ${pong instanceof Error ? unanswered(pong) : pong.kind === 'response' ? `${pong.response.type} ${pong.response.code}` : 'RST'}`);
    },
  });

  s.case({
    id: 'LWM2M-COAP-PIGGY-001',
    title: 'a Read is answered piggybacked in the ACK or separately after an empty ACK (both allowed)',
    level: 'MAY',
    spec: { doc: 'rfc7252', section: '5.2' },
    stimulus: 'GET /3/0.',
    requirement: '2.05 either piggybacked or as a separate response with the token; which one is recorded.',
    requires: ['lwm2m', 'lwm2m.obj.3'],
    story: 'message types',
    async run({ lwm2m, expect }) {
      const rsp = await lwm2m.server.read(lwm2m.endpoint, '/3/0');
      expect.coapCode(rsp, '2.05');
      if (rsp.outcome.kind === 'response') expect.note(rsp.outcome.piggybacked ? 'piggybacked response' : `separate ${rsp.outcome.response.type} response`);
    },
  });
});
