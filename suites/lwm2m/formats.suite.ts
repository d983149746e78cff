/**
 * Content formats: Accept honoured (or 4.06), unsupported Content-Format refused with 4.15, the
 * Content-Format option on every 2.05 with a payload, TLV well-formed, the client's default
 * format named, and round trips of typed values through every format the client answers.
 * @see docs/spec/lwm2m.md §3; OMA ETS LwM2M 1.1 int-201, int-203, int-231, int-232, int-237
 */
import fc from 'fast-check';
import { ContentFormat } from '../../src/codec/coap/content-format.ts';
import { decodeTlv } from '../../src/codec/lwm2m/tlv.ts';
import { formatPath } from '../../src/codec/lwm2m/path.ts';
import { defineSuite } from '../../src/conformance/index.ts';
import { formatsFor, isPresent, readableSlots, valueArbitrary, writableSlots } from './support/format-matrix.ts';
import { HIERARCHICAL_FORMATS, announcedVersions, utf8 } from './support/lwm2m-data.ts';

const HIERARCHICAL = new Set<number>(HIERARCHICAL_FORMATS.map((f) => f.format));

defineSuite({ id: 'lwm2m/formats', protocol: 'LwM2M', feature: 'content formats', title: 'LwM2M content formats' }, (s) => {
  s.case({
    id: 'LWM2M-FMT-ACCEPT-001',
    title: 'Read of a single resource with Accept text/plain answers in text/plain',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '3.2 What a client must support', quote: 'plain text and opaque for single values' },
    stimulus: 'GET /3/0/0 with Accept 0.',
    requirement: '2.05 with Content-Format 0 and the Manufacturer as UTF-8 text (text/plain is mandatory for single values).',
    requires: ['lwm2m', 'lwm2m.obj.3'],
    story: 'accept',
    async run({ lwm2m, expect }) {
      const rsp = await lwm2m.server.read(lwm2m.endpoint, '/3/0/0', { accept: ContentFormat.TEXT_PLAIN });
      expect.lwm2mContent(rsp);
      expect.that(rsp.contentFormat === ContentFormat.TEXT_PLAIN, { expected: 'Content-Format 0', actual: `Content-Format ${rsp.contentFormat ?? '(none)'}` });
    },
  });

  // "If the Accept option is present ... the client MUST respond in that format or 4.06".
  s.case({
    id: 'LWM2M-FMT-ACCEPT-002',
    title: 'Read of /3/0 with Accept of each hierarchical format answers in that format or 4.06',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Response Codes', quote: 'None of the preferred Content-Formats can be returned' },
    stimulus: 'GET /3/0 with Accept 11542, 110, 112, 11543, 11544 in turn.',
    requirement: 'Each: 2.05 in exactly the asked Content-Format (decodable), or 4.06 Not Acceptable; never another format.',
    requires: ['lwm2m', 'lwm2m.obj.3'],
    story: 'accept',
    async run({ lwm2m, expect }) {
      const answered: number[] = [];
      for (const accept of [ContentFormat.LWM2M_TLV, ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR, ContentFormat.LWM2M_JSON, ContentFormat.LWM2M_CBOR]) {
        const rsp = await lwm2m.server.read(lwm2m.endpoint, '/3/0', { accept });
        if (expect.coapCode(rsp, ['2.05', '4.06']) === '4.06') continue;
        expect.that(rsp.contentFormat === accept, { check: `Accept ${accept}`, expected: `Content-Format ${accept} (or 4.06)`, actual: `2.05 in Content-Format ${rsp.contentFormat ?? '(none)'}` });
        expect.lwm2mContent(rsp);
        answered.push(accept);
      }
      expect.note(`answers /3/0 in ${answered.join(', ') || 'none of them'}`);
    },
  });

  s.case({
    id: 'LWM2M-FMT-ACCEPT-003',
    title: 'Read with an Accept that is no LwM2M format is refused with 4.06',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Response Codes', quote: 'None of the preferred Content-Formats can be returned' },
    stimulus: 'GET /3/0 with Accept 50 (application/json).',
    requirement: '4.06 Not Acceptable.',
    requires: ['lwm2m', 'lwm2m.obj.3'],
    story: 'accept',
    async run({ lwm2m, expect }) {
      expect.coapCode(await lwm2m.server.read(lwm2m.endpoint, '/3/0', { accept: 50 }), '4.06');
    },
  });

  s.case({
    id: 'LWM2M-FMT-DEFAULT-001',
    title: 'Read of an instance without Accept answers in a hierarchical format the client names',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '3.2 What a client must support', quote: 'ETS int-237 "Read on Object without specifying Content-Type" only requires *some* decodable answer.' },
    stimulus: 'GET /3/0 and GET /1/0 without Accept.',
    requirement: '2.05 in any hierarchical format (the client chooses; the choice is recorded), decodable and typed.',
    requires: ['lwm2m', 'lwm2m.obj.3', 'lwm2m.obj.1'],
    story: 'accept',
    async run({ lwm2m, expect }) {
      const versions = announcedVersions(lwm2m.registration());
      for (const path of ['/3/0', '/1/0']) {
        const rsp = await lwm2m.server.read(lwm2m.endpoint, path);
        expect.lwm2mTypes(expect.lwm2mContent(rsp), versions);
        expect.that(rsp.contentFormat !== undefined && (HIERARCHICAL.has(rsp.contentFormat) || rsp.contentFormat === 1542 || rsp.contentFormat === 11543), { expected: 'a hierarchical Content-Format', actual: `${rsp.contentFormat}` });
        expect.note(`${path} without Accept: Content-Format ${rsp.contentFormat}`);
      }
    },
  });

  s.case({
    id: 'LWM2M-FMT-TLV-001',
    title: 'TLV answers are well-formed: every length matches the value bytes',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '3.2 What a client must support', quote: '1.0: TLV is the mandatory hierarchical format' },
    stimulus: 'GET /3/0 and GET /1/0 with Accept 11542.',
    requirement: '2.05 in 11542 whose TLV structure decodes to the end with no byte left over; values typed.',
    requires: ['lwm2m', 'lwm2m.fmt.tlv', 'lwm2m.obj.3', 'lwm2m.obj.1'],
    story: 'tlv',
    async run({ lwm2m, expect }) {
      for (const path of ['/3/0', '/1/0']) {
        const rsp = await lwm2m.server.read(lwm2m.endpoint, path, { accept: ContentFormat.LWM2M_TLV });
        expect.coapCode(rsp, '2.05');
        const tlv = decodeTlv(rsp.payload);
        expect.that(tlv.ok, { check: `TLV of ${path}`, expected: 'a TLV sequence that ends exactly at the payload end', actual: tlv.ok ? 'ok' : JSON.stringify(tlv.error), frame: rsp.payload });
        expect.lwm2mTypes(expect.lwm2mContent(rsp));
      }
    },
  });

  s.case({
    id: 'LWM2M-FMT-CF-001',
    title: 'every 2.05 with a payload carries the Content-Format option',
    level: 'SHOULD', levelNote: 'LwM2M 1.0 lets a client leave the Content-Format out (text/plain is then assumed); the harness asks for it so the payload can be decoded without guessing',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Required Features', quote: 'The Content-Type Option MAY be used to indicate the media type of the payload.' },
    stimulus: 'GET /3/0/0 without Accept, with Accept 0, and GET /3/0 without Accept.',
    requirement: 'Each 2.05 carries Content-Format (a payload without it cannot be interpreted).',
    requires: ['lwm2m', 'lwm2m.obj.3'],
    story: 'content-format',
    async run({ lwm2m, expect }) {
      for (const [path, accept] of [['/3/0/0', undefined], ['/3/0/0', 0], ['/3/0', undefined]] as const) {
        const rsp = await lwm2m.server.read(lwm2m.endpoint, path, accept === undefined ? {} : { accept });
        expect.coapCode(rsp, '2.05');
        expect.that(rsp.payload.length === 0 || rsp.contentFormat !== undefined, { check: `${path} Accept ${accept ?? '(none)'}`, expected: 'a Content-Format option', actual: 'none', frame: rsp.payload });
      }
    },
  });

  s.case({
    id: 'LWM2M-FMT-CF-002',
    title: 'Write in a Content-Format the client does not support is refused with 4.15',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Response Codes', quote: 'The specified format is not supported' },
    stimulus: 'PUT /1/0/3 with Content-Format 50 (application/json) and the payload "60".',
    requirement: '4.15 Unsupported Content-Format.',
    requires: ['lwm2m', 'lwm2m.obj.1'],
    story: 'content-format',
    async run({ lwm2m, expect }) {
      expect.coapCode(await lwm2m.server.write(lwm2m.endpoint, '/1/0/3', { format: 50, payload: utf8('60') }), '4.15');
    },
  });

  s.property({
    id: 'LWM2M-FMT-PROP-001',
    title: 'any value the definitions allow, written to a writable resource in one format, reads back equal in every format',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Response Codes', quote: '“Write” operation is completed successfully' },
    stimulus: 'Generated (resource the instance holds, value, write format): PUT the value, GET it in each format the client answers, PUT the old value back.',
    requirement: '2.04, then 2.05 with the same typed value in each format.',
    requires: ['lwm2m'],
    story: 'round trip',
    numRuns: { default: 40 },
    arbitrary: (ctx) => {
      const slots = writableSlots(ctx);
      if (slots.length === 0) ctx.skip('no writable resource without side effects among the announced objects');
      return fc.constantFrom(...slots).chain((slot) => fc.record({ slot: fc.constant(slot), value: valueArbitrary(slot.def), write: fc.constantFrom(...formatsFor(ctx, slot.def)) }));
    },
    async predicate(ctx, { slot, value, write }) {
      const { lwm2m, expect } = ctx;
      if (!(await isPresent(ctx, slot.path))) return;
      const old = expect.lwm2mContent(await lwm2m.server.read(lwm2m.endpoint, slot.path));
      expect.coapCode(await lwm2m.server.write(lwm2m.endpoint, slot.path, { format: write as 0, records: [{ path: slot.path, value }] }), '2.04');
      for (const accept of formatsFor(ctx, slot.def)) expect.lwm2mValue(expect.lwm2mContent(await lwm2m.server.read(lwm2m.endpoint, slot.path, { accept })), slot.path, value);
      await lwm2m.server.write(lwm2m.endpoint, slot.path, { format: write as 0, records: old.filter((r) => formatPath(r.path) === formatPath(slot.path)) });
    },
  });

  s.property({
    id: 'LWM2M-FMT-PROP-002',
    title: 'any readable resource answers in each format the client answers, with its definition type',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Response Codes', quote: '“Read” operation is completed successfully' },
    stimulus: 'Generated (readable resource the instance holds, format): GET with that Accept.',
    requirement: '2.05 in the asked Content-Format, decodable, values typed per the definitions.',
    requires: ['lwm2m'],
    story: 'round trip',
    numRuns: { default: 80 },
    arbitrary: (ctx) => {
      const pairs = readableSlots(ctx).flatMap((slot) => formatsFor(ctx, slot.def).map((format) => ({ path: slot.path, format })));
      if (pairs.length === 0) ctx.skip('no readable resource in a format the client answers');
      return fc.constantFrom(...pairs);
    },
    async predicate(ctx, { path, format }) {
      const { lwm2m, expect } = ctx;
      if (!(await isPresent(ctx, path))) return;
      const rsp = await lwm2m.server.read(lwm2m.endpoint, path, { accept: format });
      const records = expect.lwm2mContent(rsp);
      expect.that(rsp.contentFormat === format, { expected: `Content-Format ${format}`, actual: `${rsp.contentFormat ?? '(none)'}` });
      expect.lwm2mTypes(records, announcedVersions(lwm2m.registration()));
    },
  });
});
