/**
 * Device management, Read: every announced instance and resource answers typed values; refused
 * reads carry their exact codes (4.04 unknown, 4.05 executable, 4.01 Security).
 * @see docs/spec/lwm2m.md §2.5, §5; OMA ETS LwM2M 1.1 int-221..int-225
 */
import { formatPath } from '../../src/codec/lwm2m/path.ts';
import { defineSuite } from '../../src/conformance/index.ts';
import { announcedInstances, isReadable, unannouncedObject } from './support/dm-walk.ts';
import { announcedVersions } from './support/lwm2m-data.ts';

defineSuite({ id: 'lwm2m/dm-read', protocol: 'LwM2M', feature: 'device management', title: 'LwM2M Read and its refusals' }, (s) => {
  s.case({
    id: 'LWM2M-DM-READ-001',
    title: 'Read on the Device instance /3/0 answers 2.05 with values typed as object 3 defines them',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Response Codes', quote: '“Read” operation is completed successfully' },
    stimulus: 'GET /3/0 without Accept.',
    requirement: '2.05 with a Content-Format, a payload that decodes in it, values typed per the definitions, Manufacturer (/3/0/0) among them.',
    requires: ['lwm2m', 'lwm2m.obj.3'],
    story: 'read',
    async run({ lwm2m, expect }) {
      const records = expect.lwm2mContent(await lwm2m.server.read(lwm2m.endpoint, '/3/0'));
      expect.lwm2mTypes(records, announcedVersions(lwm2m.registration()));
      expect.lwm2mRecord(records, [3, 0, 0]);
    },
  });

  s.case({
    id: 'LWM2M-DM-READ-002',
    title: 'every announced instance and each of its readable resources answers 2.05 with typed values',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Response Codes', quote: '“Read” operation is completed successfully' },
    stimulus: 'GET on each announced /oid/iid (not Security), then GET on each resource it returned.',
    requirement: '2.05 each time; the payload decodes and each value has its definition type.',
    requires: ['lwm2m'],
    story: 'read',
    timeoutMs: 60_000,
    async run({ lwm2m, expect }) {
      const versions = announcedVersions(lwm2m.registration());
      let reads = 0;
      for (const inst of announcedInstances(lwm2m.registration())) {
        const records = expect.lwm2mContent(await lwm2m.server.read(lwm2m.endpoint, [inst.objectId, inst.instanceId]));
        expect.lwm2mTypes(records, versions);
        const rids = [...new Set(records.map((r) => r.path[2]!))].filter((rid) => inst.resources.some((d) => d.id === rid && isReadable(d)));
        for (const rid of rids) {
          expect.lwm2mTypes(expect.lwm2mContent(await lwm2m.server.read(lwm2m.endpoint, [inst.objectId, inst.instanceId, rid])), versions);
          reads++;
        }
      }
      expect.note(`${reads} resource reads`);
    },
  });

  s.case({
    id: 'LWM2M-DM-READ-003',
    title: 'Read on an object the client does not have is refused with 4.04',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Response Codes', quote: 'URI of “Read” operation is not found' },
    stimulus: 'GET /<an object id absent from the registration>.',
    requirement: '4.04 Not Found (not 4.00, not 2.05).',
    requires: ['lwm2m'],
    story: 'read',
    async run({ lwm2m, expect }) {
      expect.coapCode(await lwm2m.server.read(lwm2m.endpoint, [unannouncedObject(lwm2m.registration())]), '4.04');
    },
  });

  s.case({
    id: 'LWM2M-DM-READ-004',
    title: 'Read on an absent instance or resource of a present object is refused with 4.04',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Response Codes', quote: 'URI of “Read” operation is not found' },
    stimulus: 'GET /3/99, then GET /3/0/9999.',
    requirement: '4.04 to both.',
    requires: ['lwm2m', 'lwm2m.obj.3'],
    story: 'read',
    async run({ lwm2m, expect }) {
      expect.coapCode(await lwm2m.server.read(lwm2m.endpoint, '/3/99'), '4.04');
      expect.coapCode(await lwm2m.server.read(lwm2m.endpoint, '/3/0/9999'), '4.04');
    },
  });

  s.case({
    id: 'LWM2M-DM-READ-005',
    title: 'Read on an executable resource (/3/0/4 Reboot) is refused with 4.05',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Response Codes', quote: 'Target is not allowed for “Read” operation' },
    stimulus: 'GET /3/0/4.',
    requirement: '4.05 Method Not Allowed; the client is not rebooted.',
    requires: ['lwm2m', 'lwm2m.obj.3'],
    story: 'read',
    async run({ lwm2m, expect }) {
      expect.coapCode(await lwm2m.server.read(lwm2m.endpoint, '/3/0/4'), '4.05');
      await expect.alive();
    },
  });

  s.case({
    id: 'LWM2M-DM-READ-006',
    title: 'Read on a resource instance (/3/0/11/0 Error Code) answers that single value (1.1)',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Response Codes', quote: '“Read” operation is completed successfully' },
    stimulus: 'GET /3/0/11/0.',
    requirement: '2.05 with one integer record at /3/0/11/0.',
    requires: ['lwm2m', 'lwm2m.v1.1', 'lwm2m.obj.3'],
    story: 'read',
    async run({ lwm2m, expect }) {
      const records = expect.lwm2mContent(await lwm2m.server.read(lwm2m.endpoint, '/3/0/11/0'));
      expect.lwm2mTypes(records);
      expect.that(records.length === 1, { expected: 'one record', actual: records.map((r) => formatPath(r.path)).join(', ') });
    },
  });

  // "Security object ... MUST NOT be accessed by a DM server"; the ETS expects 4.01 (Leshan's client answers 4.04).
  s.case({
    id: 'LWM2M-DM-SEC-001',
    title: 'Read, Write and Write-Attributes on the Security object are refused (4.01)',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Response Codes', quote: 'Access Right Permission Denied' },
    stimulus: 'GET /0/0; PUT /0/0/0 text "coap://x"; PUT /0?pmin=10.',
    requirement: '4.01 Unauthorized to each (4.04, as Leshan answers, passes with a note); never 2.xx.',
    requires: ['lwm2m'],
    story: 'security',
    async run({ lwm2m, expect }) {
      const { server, endpoint } = lwm2m;
      const codes = [
        expect.coapCode(await server.read(endpoint, '/0/0'), ['4.01', '4.04']),
        expect.coapCode(await server.write(endpoint, '/0/0/0', { format: 0, payload: new TextEncoder().encode('coap://x') }), ['4.01', '4.04']),
        expect.coapCode(await server.writeAttributes(endpoint, '/0', ['pmin=10']), ['4.01', '4.04']),
      ];
      if (codes.includes('4.04')) expect.note(`Security object answered ${codes.join(', ')}: hidden as absent (Leshan variant) rather than 4.01`);
    },
  });
});
