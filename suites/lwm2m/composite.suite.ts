/**
 * Composite operations (LwM2M 1.1): Read-Composite returns exactly the asked paths that exist,
 * Write-Composite changes several resources at once.
 * @see docs/spec/lwm2m.md §2.2, §2.5; OMA ETS LwM2M 1.1 int-229, int-230, int-236, int-280
 */
import { ContentFormat } from '../../src/codec/coap/content-format.ts';
import { formatPath } from '../../src/codec/lwm2m/path.ts';
import { defineSuite, type CaseContext } from '../../src/conformance/index.ts';
import { v } from './support/lwm2m-data.ts';

const senmlOf = (ctx: CaseContext): 110 | 112 => (ctx.session.capability('lwm2m.fmt.senml-cbor').present ? ContentFormat.SENML_CBOR : ContentFormat.SENML_JSON);

defineSuite({ id: 'lwm2m/composite', protocol: 'LwM2M', feature: 'composite', title: 'LwM2M 1.1 composite operations' }, (s) => {
  s.case({
    id: 'LWM2M-COMP-READ-001',
    title: 'Read-Composite returns exactly the asked resources',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '2.5 Device Management & Service Enablement', quote: 'paths that don\'t exist are simply omitted' },
    stimulus: 'FETCH / with the SenML list [/3/0/0, /1/0/1] (SenML CBOR, else JSON).',
    requirement: '2.05 with records for /3/0/0 and /1/0/1 and nothing else, typed.',
    requires: ['lwm2m.composite', 'lwm2m.obj.3', 'lwm2m.obj.1'],
    story: 'read-composite',
    async run(ctx) {
      const { lwm2m, expect } = ctx;
      const records = expect.lwm2mContent(await lwm2m.server.readComposite(lwm2m.endpoint, [[3, 0, 0], [1, 0, 1]], { format: senmlOf(ctx) }));
      expect.lwm2mTypes(records);
      const paths = records.map((r) => formatPath(r.path)).sort();
      expect.that(paths.join(' ') === '/1/0/1 /3/0/0', { expected: 'records /1/0/1 and /3/0/0 only', actual: paths.join(', ') });
    },
  });

  s.case({
    id: 'LWM2M-COMP-READ-002',
    title: 'Read-Composite omits paths that do not exist and returns the others',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '2.5 Device Management & Service Enablement', quote: 'paths that don\'t exist are simply omitted' },
    stimulus: 'FETCH / with [/3/0/0, /3339/0/5522] (the second object absent).',
    requirement: '2.05 with /3/0/0 only.',
    requires: ['lwm2m.composite', 'lwm2m.obj.3'],
    story: 'read-composite',
    async run(ctx) {
      const { lwm2m, expect } = ctx;
      const records = expect.lwm2mContent(await lwm2m.server.readComposite(lwm2m.endpoint, [[3, 0, 0], [3339, 0, 5522]], { format: senmlOf(ctx) }));
      const paths = records.map((r) => formatPath(r.path));
      expect.that(paths.join(' ') === '/3/0/0', { expected: 'a record for /3/0/0 only', actual: paths.join(', ') || 'none' });
    },
  });

  s.case({
    id: 'LWM2M-COMP-WRITE-001',
    title: 'Write-Composite changes every named resource',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '2.5 Device Management & Service Enablement', quote: '2.04 (atomic)' },
    stimulus: 'iPATCH / with /1/0/2 = 4 and /1/0/3 = 44 in SenML; Read-Composite both; restore.',
    requirement: '2.04; the values read back are 4 and 44.',
    requires: ['lwm2m.composite', 'lwm2m.obj.1'],
    story: 'write-composite',
    async run(ctx) {
      const { lwm2m, expect } = ctx;
      const format = senmlOf(ctx);
      const before = expect.lwm2mContent(await lwm2m.server.readComposite(lwm2m.endpoint, [[1, 0, 2], [1, 0, 3]], { format }));
      expect.coapCode(await lwm2m.server.writeComposite(lwm2m.endpoint, { format, records: [{ path: [1, 0, 2], value: v.int(4) }, { path: [1, 0, 3], value: v.int(44) }] }), '2.04');
      const after = expect.lwm2mContent(await lwm2m.server.readComposite(lwm2m.endpoint, [[1, 0, 2], [1, 0, 3]], { format }));
      await lwm2m.server.writeComposite(lwm2m.endpoint, { format, records: before }).catch(() => undefined);
      expect.lwm2mValue(after, [1, 0, 2], v.int(4));
      expect.lwm2mValue(after, [1, 0, 3], v.int(44));
    },
  });
});
