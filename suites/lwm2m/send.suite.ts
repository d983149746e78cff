/**
 * Send (LwM2M 1.1): data the client pushes to /dp. The client decides when to send, so the case
 * judges the Sends the server received during the run; a target declares `lwm2m.send`.
 * @see docs/spec/lwm2m.md §2.7; OMA ETS LwM2M 1.1 int-306
 */
import { formatPath } from '../../src/codec/lwm2m/path.ts';
import { defineSuite } from '../../src/conformance/index.ts';
import { announcedVersions, sleep } from './support/lwm2m-data.ts';

/** How long the case waits for a Send when none has arrived yet. */
const SEND_WAIT_MS = 10_000;

defineSuite({ id: 'lwm2m/send', protocol: 'LwM2M', feature: 'send', title: 'LwM2M 1.1 Send' }, (s) => {
  s.case({
    id: 'LWM2M-SEND-001',
    title: 'Send carries SenML (110/112) with values of announced resources, typed per the definitions',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '2.7 Send (1.1+)', quote: 'Client → server CON **POST `/dp`**, Content-Format 110 or 112 (SenML JSON/CBOR), records with full paths and values (and optional timestamps).' },
    stimulus: `None: the Sends (POST /dp) the client made during the run (waiting up to ${SEND_WAIT_MS / 1000} s for one).`,
    requirement: 'Content-Format 110 or 112; the payload decodes; every record names a resource of an announced object and has its definition type.',
    requires: ['lwm2m.send'],
    story: 'send',
    timeoutMs: 30_000,
    async run({ lwm2m, expect }) {
      const mine = () => lwm2m.server.sends.filter((x) => x.endpoint === lwm2m.endpoint);
      for (let waited = 0; mine().length === 0 && waited < SEND_WAIT_MS; waited += 200) await sleep(200);
      const sends = mine();
      if (sends.length === 0) return expect.informational(`no Send from ${lwm2m.endpoint} within ${SEND_WAIT_MS / 1000} s`);
      const objects = new Set(lwm2m.registration().content.objects.map((o) => o.objectId));
      for (const send of sends) {
        expect.that(send.records.ok, { check: 'Send payload', expected: 'SenML JSON (110) or SenML CBOR (112) that decodes', actual: send.records.ok ? '' : send.records.error, frame: send.message.payload });
        const records = send.records.ok ? send.records.value : [];
        expect.lwm2mTypes(records, announcedVersions(lwm2m.registration()));
        const foreign = records.filter((r) => !objects.has(r.path[0] ?? -1)).map((r) => formatPath(r.path));
        expect.that(foreign.length === 0, { check: 'Send paths', expected: 'records of announced objects only', actual: foreign.join(', ') });
      }
      expect.note(`${sends.length} Send(s) judged`);
    },
  });
});
