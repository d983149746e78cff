/**
 * The target's declared capabilities against what it really does: a capability listed in
 * targets.json that the device lacks is a failure here (cases needing it are unsupported,
 * pointing to this case).
 * @see docs/architecture.md "Cases" (capabilities)
 */
import { defineSuite } from '../../src/conformance/index.ts';

defineSuite({ id: 'smp/capabilities', protocol: 'SMP', feature: 'capabilities', title: 'Declared capabilities' }, (s) => {
  s.case({
    id: 'SMP-CAP-DECLARED-001',
    title: 'every capability declared in targets.json is present on the device',
    level: 'MUST',
    spec: { doc: 'smp-digest', section: '7. Quick reference for the harness' },
    stimulus: 'Capability discovery at session start: enumeration or one harmless request per group and command.',
    requirement: 'Each declared capability is found (a command answered with anything but rc 8, a group listed).',
    requires: [],
    story: 'discovery',
    run({ session, expect }) {
      const declared = session.capabilities().filter((c) => c.declared);
      const missing = declared.filter((c) => !c.present);
      expect.note(`declared: ${declared.map((c) => c.name).join(', ') || 'none'}`);
      expect.that(missing.length === 0, {
        check: 'declared capabilities',
        expected: `present: ${declared.map((c) => c.name).join(', ') || '(none declared)'}`,
        actual: missing.map((c) => `${c.name} missing: ${c.reason}`).join('\n'),
      });
    },
  });

  s.case({
    id: 'SMP-CAP-DISCOVERY-001',
    title: 'the device answers the harmless discovery requests with matching replies',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-protocol', section: 'Frame: The envelope', quote: 'The Sequence Num of a response should match the one in the request.' },
    stimulus: 'MCUmgr params, os info, image state, enumeration and one request per optional command at session start.',
    requirement: 'Each request gets a reply with the response op and its group, id and seq echoed.',
    requires: [],
    story: 'discovery',
    run({ session, expect }) {
      expect.that(session.discoveryProblem === undefined, {
        check: 'discovery',
        expected: 'replies matching the discovery requests',
        actual: session.discoveryProblem ?? '',
      });
    },
  });
});
