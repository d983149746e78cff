/**
 * Device management, Write and Execute: values written in text and in a hierarchical format read
 * back equal; writes to read-only resources and Execute on non-executable ones are refused.
 * @see docs/spec/lwm2m.md §2.2, §2.5, §5; OMA ETS LwM2M 1.1 int-205, int-215, int-226, int-256
 */
import { ContentFormat } from '../../src/codec/coap/content-format.ts';
import { defineSuite } from '../../src/conformance/index.ts';
import { answeredHierarchical, restoreText, utf8, v } from './support/lwm2m-data.ts';

defineSuite({ id: 'lwm2m/dm-write', protocol: 'LwM2M', feature: 'device management', title: 'LwM2M Write and Execute' }, (s) => {
  s.case({
    id: 'LWM2M-DM-WRITE-001',
    title: 'Write (replace) of a writable resource in text/plain is stored and read back',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Response Codes', quote: '“Write” operation is completed successfully' },
    stimulus: 'PUT /1/0/3 (Default Maximum Period) "77" as text/plain, then GET it as text/plain; restore the old value.',
    requirement: '2.04, then 2.05 with the integer 77.',
    requires: ['lwm2m', 'lwm2m.obj.1', 'lwm2m.fmt.text'],
    story: 'write',
    async run({ lwm2m, expect }) {
      const { server, endpoint } = lwm2m;
      const old = await server.read(endpoint, '/1/0/3', { accept: ContentFormat.TEXT_PLAIN });
      expect.coapCode(await server.write(endpoint, '/1/0/3', { format: ContentFormat.TEXT_PLAIN, payload: utf8('77') }), '2.04');
      expect.lwm2mValue(expect.lwm2mContent(await server.read(endpoint, '/1/0/3', { accept: ContentFormat.TEXT_PLAIN })), [1, 0, 3], v.int(77));
      await restoreText(lwm2m, '/1/0/3', new TextDecoder().decode(old.payload));
    },
  });

  s.case({
    id: 'LWM2M-DM-WRITE-002',
    title: 'Write (partial update) of an instance in a hierarchical format changes only the named resources',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Response Codes', quote: '“Write” operation is completed successfully' },
    stimulus: 'POST /1/0 with /1/0/2 = 3 and /1/0/3 = 45 in the first hierarchical format the client answers; read /1/0 back; restore.',
    requirement: '2.04; the read shows 3 and 45 and the other resources unchanged (Short Server ID still there).',
    requires: ['lwm2m', 'lwm2m.obj.1'],
    story: 'write',
    async run(ctx) {
      const { lwm2m, expect } = ctx;
      const format = answeredHierarchical(ctx)[0] ?? ctx.skip('the client answers no hierarchical format');
      const before = expect.lwm2mContent(await lwm2m.server.read(lwm2m.endpoint, '/1/0', { accept: format.format }));
      const records = [{ path: [1, 0, 2], value: v.int(3) }, { path: [1, 0, 3], value: v.int(45) }];
      expect.coapCode(await lwm2m.server.write(lwm2m.endpoint, '/1/0', { format: format.format, records }, { partial: true }), '2.04');
      const after = expect.lwm2mContent(await lwm2m.server.read(lwm2m.endpoint, '/1/0', { accept: format.format }));
      expect.lwm2mValue(after, [1, 0, 2], v.int(3));
      expect.lwm2mValue(after, [1, 0, 3], v.int(45));
      expect.lwm2mValue(after, [1, 0, 0], expect.lwm2mRecord(before, [1, 0, 0]).value);
      const restore = before.filter((r) => r.path[2] === 2 || r.path[2] === 3);
      await lwm2m.server.write(lwm2m.endpoint, '/1/0', { format: format.format, records: restore }, { partial: true }).catch(() => undefined);
    },
  });

  // "Write ... on a read-only resource ... 4.05 Method Not Allowed"; the value stays.
  s.case({
    id: 'LWM2M-DM-WRITE-004',
    title: 'Write to a read-only resource (/1/0/0 Short Server ID) is refused with 4.05 and changes nothing',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Response Codes', quote: 'Target is not allowed for “Write” operation' },
    stimulus: 'PUT /1/0/0 "5" as text/plain, then GET /1/0/0.',
    requirement: '4.05; the read answers the value from before.',
    requires: ['lwm2m', 'lwm2m.obj.1'],
    story: 'write',
    async run({ lwm2m, expect }) {
      const { server, endpoint } = lwm2m;
      const before = expect.lwm2mRecord(expect.lwm2mContent(await server.read(endpoint, '/1/0/0')), [1, 0, 0]);
      const refused = await server.write(endpoint, '/1/0/0', { format: ContentFormat.TEXT_PLAIN, payload: utf8(before.value.value === 5n ? '6' : '5') });
      const after = expect.lwm2mContent(await server.read(endpoint, '/1/0/0'));
      expect.coapCode(refused, '4.05');
      expect.lwm2mValue(after, [1, 0, 0], before.value);
    },
  });

  s.case({
    id: 'LWM2M-DM-WRITE-005',
    title: 'Write of an undecodable payload is refused with 4.00',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Response Codes', quote: 'The format of data to be written is different' },
    stimulus: 'PUT /1/0/3 with Content-Format text/plain and the payload "not-a-number".',
    requirement: '4.00 Bad Request; the resource keeps its value.',
    requires: ['lwm2m', 'lwm2m.obj.1', 'lwm2m.fmt.text'],
    story: 'write',
    async run({ lwm2m, expect }) {
      const { server, endpoint } = lwm2m;
      const before = expect.lwm2mRecord(expect.lwm2mContent(await server.read(endpoint, '/1/0/3')), [1, 0, 3]);
      expect.coapCode(await server.write(endpoint, '/1/0/3', { format: ContentFormat.TEXT_PLAIN, payload: utf8('not-a-number') }), '4.00');
      expect.lwm2mValue(expect.lwm2mContent(await server.read(endpoint, '/1/0/3')), [1, 0, 3], before.value);
    },
  });

  s.case({
    id: 'LWM2M-DM-EXEC-001',
    title: 'Execute on an executable resource (/1/0/8 Registration Update Trigger) answers 2.04',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Response Codes', quote: '“Execute” operation is completed successfully' },
    stimulus: 'POST /1/0/8 without payload.',
    requirement: '2.04 Changed.',
    requires: ['lwm2m', 'lwm2m.obj.1'],
    story: 'execute',
    async run({ lwm2m, expect }) {
      expect.coapCode(await lwm2m.server.execute(lwm2m.endpoint, '/1/0/8'), '2.04');
    },
  });

  // "Execute ... on a resource that is not executable: 4.05"; Zephyr v4.0 answers 4.04.
  s.case({
    id: 'LWM2M-DM-EXEC-002',
    title: 'Execute on a readable (/3/0/0) or writable (/1/0/3) resource is refused with 4.05',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Response Codes', quote: 'Target is not allowed for “Execute” operation' },
    stimulus: 'POST /3/0/0, then POST /1/0/3, both without payload.',
    requirement: '4.05 Method Not Allowed to each (not 4.04, not 2.04).',
    requires: ['lwm2m', 'lwm2m.obj.3', 'lwm2m.obj.1'],
    story: 'execute',
    async run({ lwm2m, expect }) {
      expect.coapCode(await lwm2m.server.execute(lwm2m.endpoint, '/3/0/0'), '4.05');
      expect.coapCode(await lwm2m.server.execute(lwm2m.endpoint, '/1/0/3'), '4.05');
    },
  });
});
