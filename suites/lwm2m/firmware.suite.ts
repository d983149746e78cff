/**
 * Firmware Update object (5): a package pushed block-wise (Block1) is acknowledged block by block
 * and reaches Downloaded; Update is refused outside Downloaded.
 * @see docs/spec/lwm2m.md §1.8, §4.6; OMA ETS LwM2M 1.0 751-779
 */
import { ContentFormat } from '../../src/codec/coap/content-format.ts';
import { defineSuite } from '../../src/conformance/index.ts';
import { v } from './support/lwm2m-data.ts';

const PACKAGE_BYTES = 1024;
/** Block1 size exponent: 2^(2+4) = 64-byte blocks, 16 of them. */
const SZX = 2;

defineSuite({ id: 'lwm2m/firmware', protocol: 'LwM2M', feature: 'firmware update', title: 'LwM2M Firmware Update object' }, (s) => {
  s.case({
    id: 'LWM2M-FW-STATE-001',
    title: 'Firmware State and Update Result read as integers, Idle with no package',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '4.6 Firmware Update (5) (single; optional; object 1.0: ids 0–3,5–9; 1.1: +10–13; 1.2: +14)', quote: '0 Idle, 1 Downloading, 2 Downloaded, 3 Updating' },
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
    spec: { doc: 'lwm2m-digest', section: '4.6 Firmware Update (5) (single; optional; object 1.0: ids 0–3,5–9; 1.1: +10–13; 1.2: +14)', quote: 'only valid in state Downloaded (else 4.05)' },
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
});
