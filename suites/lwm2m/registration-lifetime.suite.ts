/**
 * Registration lifetime: the client refreshes its registration with an Update before the lifetime
 * runs out. On its own suite file: a client failing it loses its registration, which must not
 * break the other registration cases.
 * @see docs/spec/lwm2m.md §2.4; OMA ETS LwM2M 1.1 int-107
 */
import { defineSuite } from '../../src/conformance/index.ts';
import { historyOf, restoreText } from './support/lwm2m-data.ts';

defineSuite({ id: 'lwm2m/registration-lifetime', protocol: 'LwM2M', feature: 'registration', title: 'LwM2M registration lifetime' }, (s) => {
  // "The client MUST send an Update before the lifetime expires".
  s.case({
    id: 'LWM2M-REG-UPDATE-001',
    title: 'the client refreshes its registration with an Update before the lifetime expires',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Client Registration Interface', quote: 'The LWM2M Client periodically performs an update of its registration information to the registered LWM2M Server(s) by performing the “Update” operation.' },
    stimulus: 'Write /1/0/1 (Lifetime) = 6 s, wait for the Update carrying it, then for the next Update; restore the lifetime.',
    requirement: 'A periodic Update arrives before the 6 s lifetime runs out (the lifetime left when it arrives is recorded).',
    requires: ['lwm2m', 'lwm2m.obj.1'],
    story: 'update',
    timeoutMs: 40_000,
    async run({ lwm2m, expect }) {
      const before = lwm2m.registration().lifetimeS;
      const isUpdate = (e: { kind: string; registration?: { endpoint: string } }): e is Extract<Parameters<Parameters<typeof lwm2m.server.onEvent>[0]>[0], { kind: 'updated' }> => e.kind === 'updated' && e.registration?.endpoint === lwm2m.endpoint;
      const first = lwm2m.server.waitForEvent(isUpdate, 5000, lwm2m.endpoint, 'Update with the new lifetime');
      expect.coapCode(await lwm2m.server.write(lwm2m.endpoint, '/1/0/1', { format: 0, payload: new TextEncoder().encode('6') }), '2.04');
      await first.catch(() => undefined);
      const periodic = await lwm2m.server.waitForEvent(isUpdate, 8000, lwm2m.endpoint, 'periodic Update').catch(() => undefined);
      const left = historyOf(lwm2m, 'update').at(-1)?.lifetimeLeftMs;
      expect.that(periodic !== undefined, { expected: 'an Update within the 6 s lifetime', actual: `none; registration ${lwm2m.server.registration(lwm2m.endpoint) ? 'still active' : 'expired'}` });
      if (left !== undefined) expect.note(`lifetime left when the Update arrived: ${left} ms of 6000`);
      await restoreText(lwm2m, '/1/0/1', String(before));
    },
  });
});
