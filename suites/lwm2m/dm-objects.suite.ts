/**
 * Device management on the object structure: Discover with attributes, Write-Attributes, Create
 * and Delete of instances and their refusals.
 * @see docs/spec/lwm2m.md §2.5, §5; OMA ETS LwM2M 1.1 int-260, int-261; ETS 1.0 680/685
 */
import { ContentFormat } from '../../src/codec/coap/content-format.ts';
import { formatPath } from '../../src/codec/lwm2m/path.ts';
import { defineSuite } from '../../src/conformance/index.ts';
import { unannouncedObject } from './support/dm-walk.ts';
import { answeredHierarchical, sleep, v } from './support/lwm2m-data.ts';

defineSuite({ id: 'lwm2m/dm-objects', protocol: 'LwM2M', feature: 'device management', title: 'LwM2M Discover, Write-Attributes, Create, Delete' }, (s) => {
  s.case({
    id: 'LWM2M-DM-DISCOVER-001',
    title: 'Discover on /3 lists the instance and every resource it holds, dim= on multiple resources',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '2.5 Device Management & Service Enablement', quote: '`dim=` = number of instances of a multi-instance resource' },
    stimulus: 'GET /3/0 (to learn the resources), then GET /3 and GET /3/0 with Accept 40.',
    requirement: '2.05 link format; </3/0> and </3/0/r> for each resource read, in any order; on /3/0, dim = instance count on multiple resources.',
    requires: ['lwm2m', 'lwm2m.obj.3'],
    story: 'discover',
    async run({ lwm2m, expect }) {
      const records = expect.lwm2mContent(await lwm2m.server.read(lwm2m.endpoint, '/3/0'));
      const links = expect.lwm2mContent(await lwm2m.server.discover(lwm2m.endpoint, '/3'));
      const resources = [...new Set(records.map((r) => `/3/0/${r.path[2]}`))];
      expect.linkSet(links.map((l) => l.link), { present: ['/3/0', ...resources] });
      const instanceLinks = expect.lwm2mContent(await lwm2m.server.discover(lwm2m.endpoint, '/3/0'));
      for (const rid of new Set(records.filter((r) => r.path.length === 4).map((r) => r.path[2]))) {
        const count = records.filter((r) => r.path.length === 4 && r.path[2] === rid).length;
        const link = expect.discoverLink(instanceLinks, `/3/0/${rid}`);
        expect.that(link.attributes.dim === count, { check: `dim of /3/0/${rid}`, expected: `dim=${count}`, actual: `dim=${link.attributes.dim ?? '(absent)'}` });
      }
    },
  });

  s.case({
    id: 'LWM2M-DM-DISCOVER-002',
    title: 'attributes set with Write-Attributes appear on the link Discover returns for that path',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '2.5 Device Management & Service Enablement', quote: 'attributes set on a level appear on that level\'s link' },
    stimulus: 'PUT /3/0?pmin=7&pmax=70, Discover /3/0; then remove them (PUT /3/0?pmin&pmax).',
    requirement: '2.04; the </3/0> link carries pmin=7 and pmax=70.',
    requires: ['lwm2m', 'lwm2m.obj.3'],
    story: 'discover',
    async run({ lwm2m, expect }) {
      expect.coapCode(await lwm2m.server.writeAttributes(lwm2m.endpoint, '/3/0', ['pmin=7', 'pmax=70']), '2.04');
      const links = expect.lwm2mContent(await lwm2m.server.discover(lwm2m.endpoint, '/3/0'));
      await lwm2m.server.writeAttributes(lwm2m.endpoint, '/3/0', ['pmin', 'pmax']).catch(() => undefined);
      const a = expect.discoverLink(links, '/3/0').attributes;
      expect.that(a.pmin === 7 && a.pmax === 70, { expected: '</3/0>;pmin=7;pmax=70', actual: `pmin=${a.pmin ?? '(absent)'} pmax=${a.pmax ?? '(absent)'}` });
    },
  });

  s.case({
    id: 'LWM2M-DM-ATTR-001',
    title: 'Write-Attributes with gt on a string resource is refused (4.00)',
    level: 'SHOULD',
    spec: { doc: 'lwm2m-digest', section: '2.5 Device Management & Service Enablement' },
    stimulus: 'PUT /3/0/0?gt=5 (Manufacturer is a string).',
    requirement: 'Not 2.04: gt/lt/st apply to numeric resources only; 4.00 expected (Wakaama, Anjay, Leshan).',
    requires: ['lwm2m', 'lwm2m.obj.3'],
    story: 'write-attributes',
    async run({ lwm2m, expect }) {
      const rsp = await lwm2m.server.writeAttributes(lwm2m.endpoint, '/3/0/0', ['gt=5']);
      expect.warn(rsp.code === '4.00', `gt on a string resource answered ${rsp.code ?? 'RST'}, expected 4.00`);
      if (rsp.code === '2.04') await lwm2m.server.writeAttributes(lwm2m.endpoint, '/3/0/0', ['gt']).catch(() => undefined);
    },
  });

  s.case({
    id: 'LWM2M-DM-DELETE-001',
    title: 'Delete of an object instance answers 2.02 and the instance is gone',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Response Codes', quote: '“Delete” operation is completed successfully' },
    stimulus: 'DELETE /3303/0, GET /3303/0; then Create it again (not judged).',
    requirement: '2.02, then 4.04 to the read.',
    requires: ['lwm2m', 'lwm2m.obj.3303'],
    story: 'delete',
    async run(ctx) {
      const { lwm2m, expect } = ctx;
      const before = expect.lwm2mContent(await lwm2m.server.read(lwm2m.endpoint, '/3303/0'));
      expect.coapCode(await lwm2m.server.delete(lwm2m.endpoint, '/3303/0'), '2.02');
      const gone = await lwm2m.server.read(lwm2m.endpoint, '/3303/0');
      const format = answeredHierarchical(ctx)[0];
      if (format) await lwm2m.server.create(lwm2m.endpoint, '/3303', { format: format.format, records: [] }).catch(() => undefined);
      expect.coapCode(gone, '4.04');
      expect.note(`${before.length} values before the Delete; the instance is created again empty`);
      await sleep(300);
    },
  });

  s.case({
    id: 'LWM2M-DM-CREATE-001',
    title: 'Create of an instance answers 2.01 with its Location-Path and the instance reads back',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Response Codes', quote: '“Create” operation is completed successfully' },
    stimulus: 'DELETE /3303/0 (setup), POST /3303 with an empty instance in a hierarchical format (the client picks the id), GET the new instance.',
    requirement: '2.01 with Location-Path /3303/<iid>; the new instance reads (2.05); the client announces it in an Update (SHOULD-level check).',
    requires: ['lwm2m', 'lwm2m.obj.3303'],
    story: 'create',
    async run(ctx) {
      const { lwm2m, expect } = ctx;
      const format = answeredHierarchical(ctx)[0] ?? ctx.skip('the client answers no hierarchical format');
      await lwm2m.server.delete(lwm2m.endpoint, '/3303/0');
      await sleep(300);
      const updated = lwm2m.server.waitForEvent((e): e is Extract<typeof e, { kind: 'updated' }> => e.kind === 'updated' && e.registration.endpoint === lwm2m.endpoint, 3000, lwm2m.endpoint, 'Update after Create');
      const created = await lwm2m.server.create(lwm2m.endpoint, '/3303', { format: format.format, records: [] });
      expect.coapCode(created, '2.01');
      const where = created.decoded;
      expect.that(where?.ok === true, { expected: 'Location-Path /3303/<iid>', actual: where?.ok === false ? where.error.message : 'no Location-Path' });
      const path = where?.ok === true ? where.value : [3303, 0];
      expect.lwm2mContent(await lwm2m.server.read(lwm2m.endpoint, path));
      const e = await updated.catch(() => undefined);
      const listed = e?.registration.content.objects.find((o) => o.objectId === 3303)?.instances.includes(path[1] ?? 0) ?? false;
      expect.warn(listed, `no Update listing <${formatPath(path)}> within 3 s of the Create (${e ? 'Update without it' : 'no Update'})`);
    },
  });

  s.case({
    id: 'LWM2M-DM-CREATE-002',
    title: 'Create in an object the client does not have is refused with 4.04',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Response Codes', quote: 'URI of “Create” operation is not found' },
    stimulus: 'POST /<absent object id> with one text record.',
    requirement: '4.04 Not Found.',
    requires: ['lwm2m'],
    story: 'create',
    async run(ctx) {
      const { lwm2m, expect } = ctx;
      const oid = unannouncedObject(lwm2m.registration());
      const format = answeredHierarchical(ctx)[0]?.format ?? ContentFormat.LWM2M_TLV;
      expect.coapCode(await lwm2m.server.create(lwm2m.endpoint, [oid], { format, records: [{ path: [oid, 0, 0], value: v.str('x') }] }), '4.04');
    },
  });

  s.case({
    id: 'LWM2M-DM-CREATE-003',
    title: 'Create in a single-instance object (/3 Device) is refused (4.00 or 4.05)',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Response Codes', quote: 'Target is not allowed for “Create” operation' },
    stimulus: 'POST /3 with instance 1 holding Manufacturer "x".',
    requirement: '4.00 (Leshan) or 4.05 (Wakaama); never 2.01.',
    requires: ['lwm2m', 'lwm2m.obj.3'],
    story: 'create',
    async run(ctx) {
      const { lwm2m, expect } = ctx;
      const format = answeredHierarchical(ctx)[0] ?? ctx.skip('the client answers no hierarchical format');
      const code = expect.coapCode(await lwm2m.server.create(lwm2m.endpoint, '/3', { format: format.format, records: [{ path: [3, 1, 0], value: v.str('x') }] }), ['4.00', '4.05']);
      expect.note(`answered ${code}`);
    },
  });

  s.case({
    id: 'LWM2M-DM-DELETE-002',
    title: 'Delete of the Device instance /3/0 is refused with 4.05',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Response Codes', quote: 'Target is not allowed for “Delete” operation' },
    stimulus: 'DELETE /3/0.',
    requirement: '4.05; /3/0 still reads.',
    requires: ['lwm2m', 'lwm2m.obj.3'],
    story: 'delete',
    async run({ lwm2m, expect }) {
      expect.coapCode(await lwm2m.server.delete(lwm2m.endpoint, '/3/0'), '4.05');
      expect.lwm2mContent(await lwm2m.server.read(lwm2m.endpoint, '/3/0'));
    },
  });
});
