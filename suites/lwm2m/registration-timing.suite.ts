/**
 * Registration time against the target's own budget (targets.json `budgets.registrationMs`): the
 * protocol sets no deadline for the first Register, so the budget is the target owner's
 * requirement (the built-in simulator's is 2.5 s). The figure is measured by the session from the
 * device start (its socket bound, or its process started) to the first Register answered 2.01,
 * and goes into summary.json as `timing["lwm2m.register"]`.
 * @see docs/spec/lwm2m.md §2.4, src/config/budgets.ts
 */
import { defineSuite } from '../../src/conformance/index.ts';

defineSuite({ id: 'lwm2m/registration-timing', protocol: 'LwM2M', feature: 'timing', title: 'LwM2M registration time against the target budget' }, (s) => {
  s.case({
    id: 'LWM2M-TIME-REG-001',
    title: 'the client registers within the target budget registrationMs after it was started',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '2.4 Client Registration interface', quote: 'Register (client → server): CON **POST `/rd`**, Content-Format **40**' },
    stimulus: 'None: the device is started pointed at the harness; the session times its first Register.',
    requirement: 'The first Register is answered within the target\'s "registrationMs" budget of the device start (no budget: the time recorded only).',
    requires: ['lwm2m'],
    story: 'registration timing',
    run({ lwm2m, session, expect }) {
      const measured = lwm2m.registrationMs;
      expect.that(measured !== undefined, { expected: 'a measured registration time', actual: 'none (the endpoint has not registered)' });
      const figures = `registered ${measured!.toFixed(0)} ms after the device start`;
      expect.note(figures);
      const budget = session.budgets['registrationMs'];
      if (budget === undefined) return expect.informational(`no "registrationMs" budget for target ${session.targetName}; ${figures}`);
      expect.that(measured! <= budget, { check: 'budget registrationMs', expected: `registered within ${budget} ms`, actual: figures });
    },
  });
});
