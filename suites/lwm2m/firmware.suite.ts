/**
 * Firmware Update object (5): a package pushed block-wise (Block1) is acknowledged block by block
 * and reaches Downloaded; Update is refused outside Downloaded; a Package URI pointing at a CoAP
 * resource the harness serves block-wise (Block2) is pulled to Downloaded; Protocol Support
 * agrees with the pull that works.
 * @see docs/spec/lwm2m.md §1.8, §4.6; OMA ETS LwM2M 1.0 751-779
 */
import { ContentFormat } from '../../src/codec/coap/content-format.ts';
import { defineSuite, type CaseContext } from '../../src/conformance/index.ts';
import { caseTimeoutMs, FwState, readInt, resetFirmware, resetPackageUri, transferBudgetMs, waitForFirmware, type StateWait } from './support/firmware-helpers.ts';
import { utf8, v } from './support/lwm2m-data.ts';

const PULL_PACKAGE_BYTES = 16 * 1024;
const FW_SECTION = '4.6 Firmware Update (5) (single; optional; object 1.0: ids 0–3,5–9; 1.1: +10–13; 1.2: +14)';

/**
 * Serve an MCUboot image at a fresh path, write its coap:// URI to /5/0/1 and wait until the
 * download leaves Downloading. The wait follows the measured serving rate (bytes handed out so
 * far over the time taken, times a factor), so a large image on a slow link is not cut short.
 */
async function pullImage(ctx: CaseContext, bytes: number): Promise<{ code: string | undefined; end: StateWait; requests: number; uri: string }> {
  const side = ctx.lwm2m;
  const { address } = side.server.address();
  if (address === '0.0.0.0' || address === '::') ctx.skip(`the harness listens on ${address}: a Package URI needs an address the device can reach`);
  const served = side.server.coap.serveResource(`fw/${ctx.caseId.toLowerCase()}`, ctx.fixtures.image(bytes - 96, { label: 'pull' }));
  try {
    const started = performance.now();
    const rsp = await side.server.write(side.endpoint, '/5/0/1', { format: ContentFormat.TEXT_PLAIN, payload: utf8(served.uri) });
    const rate = (): number | undefined => {
      const elapsed = (performance.now() - started) / 1000;
      return served.requests.length > 0 && elapsed > 0 ? Math.min(bytes, served.requests.length * 1024) / elapsed : undefined;
    };
    const end = await waitForFirmware(ctx, (f) => f.state !== FwState.DOWNLOADING, () => transferBudgetMs(bytes, rate()));
    const measured = rate();
    ctx.log(`pull of ${bytes} B from ${served.uri}: ${served.requests.length} block requests, states ${end.seen.join(' → ')} in ${Math.round(end.waitedMs)} ms${measured === undefined ? '' : ` (~${Math.round(measured)} B/s)`}`);
    return { code: rsp.code, end, requests: served.requests.length, uri: served.uri };
  } finally {
    served.stop();
  }
}

const PACKAGE_BYTES = 1024;
/** Block1 size exponent: 2^(2+4) = 64-byte blocks, 16 of them. */
const SZX = 2;

defineSuite({ id: 'lwm2m/firmware', protocol: 'LwM2M', feature: 'firmware update', title: 'LwM2M Firmware Update object' }, (s) => {
  s.case({
    id: 'LWM2M-FW-STATE-001',
    title: 'Firmware State and Update Result read as integers, Idle with no package',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: FW_SECTION, quote: '| 3 | State | R | Integer 0..3 | M | 0 Idle, 1 Downloading, 2 Downloaded, 3 Updating |' },
    stimulus: 'PUT /5/0/0 with an empty opaque payload (reset), then GET /5/0/3 and /5/0/5.',
    requirement: '2.04 to the reset; State 0 (Idle) and Update Result 0 (initial) as integers.',
    requires: ['lwm2m', 'lwm2m.obj.5'],
    story: 'state',
    async run({ lwm2m, expect }) {
      expect.coapCode(await lwm2m.server.write(lwm2m.endpoint, '/5/0/0', { format: ContentFormat.OCTET_STREAM, payload: new Uint8Array(0) }), '2.04');
      expect.lwm2mValue(expect.lwm2mContent(await lwm2m.server.read(lwm2m.endpoint, '/5/0/3')), [5, 0, 3], v.int(0));
      expect.lwm2mValue(expect.lwm2mContent(await lwm2m.server.read(lwm2m.endpoint, '/5/0/5')), [5, 0, 5], v.int(0));
    },
  });

  // RFC 7959 §2.3: each non-final Block1 block is acknowledged with 2.31 Continue.
  s.case({
    id: 'LWM2M-FW-PUSH-001',
    title: 'a package pushed with Block1 gets 2.31 Continue per block, 2.04 at the end, and State Downloaded',
    level: 'MUST',
    spec: { doc: 'rfc7959', section: '2.9.1', quote: 'This success status code indicates that the transfer of this block of the request body was successful and that the server encourages sending further blocks, but that a final outcome of the whole block-wise request cannot yet be determined.' },
    stimulus: `PUT /5/0/0 of a ${PACKAGE_BYTES}-byte opaque package in ${1 << (SZX + 4)}-byte Block1 blocks; read /5/0/3; reset the package.`,
    requirement: '2.31 to every block but the last, 2.04 to the last; State 2 (Downloaded) afterwards.',
    requires: ['lwm2m', 'lwm2m.obj.5'],
    story: 'push',
    timeoutMs: 60_000,
    async run({ lwm2m, expect, fixtures }) {
      const rsp = await lwm2m.server.write(lwm2m.endpoint, '/5/0/0', { format: ContentFormat.OCTET_STREAM, payload: fixtures.bytes(PACKAGE_BYTES) }, { blockSzx: SZX });
      const codes = rsp.exchanges.map((x) => (x.kind === 'response' ? x.response.code : 'RST'));
      const blocks = PACKAGE_BYTES >> (SZX + 4);
      const want = [...Array<string>(blocks - 1).fill('2.31'), '2.04'];
      expect.that(codes.join(' ') === want.join(' '), { expected: `${blocks - 1} × 2.31 then 2.04`, actual: codes.join(' ') });
      expect.lwm2mValue(expect.lwm2mContent(await lwm2m.server.read(lwm2m.endpoint, '/5/0/3')), [5, 0, 3], v.int(2));
      await lwm2m.server.write(lwm2m.endpoint, '/5/0/0', { format: ContentFormat.OCTET_STREAM, payload: new Uint8Array(0) }).catch(() => undefined);
    },
  });

  // "Update ... only in state Downloaded; otherwise 4.05" (ETS 772).
  s.case({
    id: 'LWM2M-FW-UPDATE-002',
    title: 'Execute Update (/5/0/2) without a downloaded package is refused with 4.05 and changes nothing',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: FW_SECTION, quote: 'Execute Update when State ≠ Downloaded → **4.05**, state/result unchanged' },
    stimulus: 'Reset the package (empty write to /5/0/0), POST /5/0/2, read /5/0/3 and /5/0/5.',
    requirement: '4.05; State stays 0 (Idle) and Update Result stays 0.',
    requires: ['lwm2m', 'lwm2m.obj.5'],
    story: 'update',
    async run({ lwm2m, expect }) {
      await lwm2m.server.write(lwm2m.endpoint, '/5/0/0', { format: ContentFormat.OCTET_STREAM, payload: new Uint8Array(0) });
      const refused = await lwm2m.server.execute(lwm2m.endpoint, '/5/0/2');
      const state = expect.lwm2mContent(await lwm2m.server.read(lwm2m.endpoint, '/5/0/3'));
      const result = expect.lwm2mContent(await lwm2m.server.read(lwm2m.endpoint, '/5/0/5'));
      expect.coapCode(refused, '4.05');
      expect.lwm2mValue(state, [5, 0, 3], v.int(0));
      expect.lwm2mValue(result, [5, 0, 5], v.int(0));
      await lwm2m.server.write(lwm2m.endpoint, '/5/0/0', { format: ContentFormat.OCTET_STREAM, payload: new Uint8Array(0) }).catch(() => undefined);
    },
  });

  s.case({
    id: 'LWM2M-FW-PULL-001',
    title: 'a coap:// Package URI served block-wise by the harness is pulled to Downloaded',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: FW_SECTION, quote: '| Downloading | last block written / download finished OK | Downloaded (2) | 0 |' },
    stimulus: `Reset; serve a ${PULL_PACKAGE_BYTES}-byte MCUboot image with Block2 at coap://<harness>/fw/...; PUT its URI to /5/0/1; poll /5/0/3, /5/0/5; reset the URI.`,
    requirement: '2.04 to the URI write; GETs for the image arrive; State reaches 2 (Downloaded) within the image size over the measured serving rate × 4 (at least 5 s).',
    requires: ['lwm2m', 'lwm2m.obj.5'],
    story: 'pull',
    timeoutMs: caseTimeoutMs(PULL_PACKAGE_BYTES, 2),
    async run(ctx) {
      if ((await readInt(ctx, '/5/0/9')) === 1) ctx.skip('Delivery Method /5/0/9 is 1 (push only)');
      await resetFirmware(ctx.lwm2m);
      await resetPackageUri(ctx.lwm2m);
      try {
        const pull = await pullImage(ctx, PULL_PACKAGE_BYTES);
        ctx.expect.that(pull.code === '2.04', { check: 'Package URI write', expected: '2.04', actual: pull.code ?? 'RST' });
        ctx.expect.that(pull.end.state === FwState.DOWNLOADED, { check: 'pull', expected: `State 2 after pulling ${pull.uri} (${pull.requests} block requests seen)`, actual: `State ${pull.end.state}, Update Result ${pull.end.result}; seen ${pull.end.seen.join(' → ')}` });
      } finally {
        await resetPackageUri(ctx.lwm2m);
        await resetFirmware(ctx.lwm2m);
      }
    },
  });

  s.case({
    id: 'LWM2M-FW-PROTO-001',
    title: 'Firmware Update Protocol Support (/5/0/8) and Delivery Method (/5/0/9) agree with the delivery that works',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: FW_SECTION, quote: '| 8 | Firmware Update Protocol Support (multi) | R | Integer | O | 0 CoAP(+block), 1 CoAPS, 2 HTTP 1.1, 3 HTTPS 1.1, 4 CoAP/TCP, 5 CoAP/TLS |' },
    stimulus: 'Read /5/0/9 and /5/0/8; when pull is offered (0 or 2) and /5/0/8 does not list CoAP (0), try a coap:// pull of a small image served by the harness; reset.',
    requirement: 'Delivery Method is 0, 1 or 2; Protocol Support values are 0–5; a coap:// pull that downloads means /5/0/8 lists 0 (one that ends Update Result 9 agrees with a list without 0).',
    requires: ['lwm2m', 'lwm2m.obj.5'],
    story: 'pull',
    timeoutMs: caseTimeoutMs(4096, 2),
    async run(ctx) {
      const method = await readInt(ctx, '/5/0/9');
      ctx.expect.that([0, 1, 2].includes(method), { check: 'Delivery Method', expected: '0 (pull), 1 (push) or 2 (both)', actual: String(method) });
      const rsp = await ctx.lwm2m.server.read(ctx.lwm2m.endpoint, '/5/0/8');
      const protocols = rsp.code === '2.05' ? ctx.expect.lwm2mContent(rsp).map((r) => r.value.value) : [];
      ctx.log(`Delivery Method ${method}; Protocol Support ${rsp.code === '2.05' ? `[${protocols.join(', ')}]` : `not readable (${rsp.code ?? 'RST'})`}`);
      ctx.expect.that(protocols.every((p) => typeof p === 'bigint' && p >= 0n && p <= 5n), { check: 'Protocol Support values', expected: 'integers 0–5', actual: protocols.map(String).join(', ') });
      if (method === 1 || protocols.includes(0n)) return;
      await resetFirmware(ctx.lwm2m);
      await resetPackageUri(ctx.lwm2m);
      try {
        const pull = await pullImage(ctx, 4096);
        ctx.expect.that(pull.end.state !== FwState.DOWNLOADED, { check: 'Protocol Support vs pull', expected: 'no CoAP pull, as /5/0/8 lists no 0 (CoAP)', actual: `a coap:// pull reached Downloaded while /5/0/8 is [${protocols.join(', ')}]` });
      } finally {
        await resetPackageUri(ctx.lwm2m);
        await resetFirmware(ctx.lwm2m);
      }
    },
  });
});
