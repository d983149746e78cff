/**
 * Client Registration interface: what the client's Register says about it.
 * @see docs/spec/lwm2m.md §2.4
 */
import { defineSuite } from '../../src/conformance/index.ts';

defineSuite({ id: 'lwm2m/registration', protocol: 'LwM2M', feature: 'registration', title: 'Client Registration interface' }, (s) => {
  // Register: ep= is mandatory; the payload lists the client's objects and instances; the Device
  // object (3) is mandatory on every client (docs/spec/lwm2m.md §2.4, §4).
  s.case({
    id: 'LWM2M-REG-001',
    title: 'client registers with ep, lt and a link payload listing /3/0',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-core-1.1.1', section: '6.2.1 Register' },
    stimulus: 'None: the client registers on its own once started, pointed at the harness.',
    requirement: 'The Register carries ep= naming the configured endpoint and a link-format payload listing </3/0>; lt= is optional (86400 s when absent), its absence is recorded as a warning.',
    requires: ['lwm2m'],
    story: 'register',
    async run({ lwm2m, expect }) {
      const r = lwm2m.registration();
      expect.that(r.endpoint === lwm2m.endpoint, { check: 'ep', expected: `ep=${lwm2m.endpoint}`, actual: `ep=${r.endpoint}` });
      const device = r.content.objects.find((o) => o.objectId === 3);
      const links = r.links.map((l) => `<${l.target}>`).join(',') || '(no links)';
      expect.that(device?.instances.includes(0) === true, { check: 'link payload', expected: 'a link </3/0> (Device object instance 0)', actual: links });
      expect.warn(r.lifetimeGiven, `the Register carries no lt= (the server assumes 86400 s); links: ${links}`);
      expect.note(`registered: ep=${r.endpoint} lt=${r.lifetimeGiven ? r.lifetimeS : '(none)'} lwm2m=${r.lwm2mVersion ?? '(none)'} b=${r.binding ?? '(none)'}; ${links}`);
      await expect.alive();
    },
  });
});
