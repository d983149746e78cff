/**
 * Client Registration interface: Register parameters and payload, Update to the Location-Path,
 * De-register, and registering again after a refused Update (the lifetime refresh is in
 * registration-lifetime.suite.ts: a client failing it loses its registration).
 * @see docs/spec/lwm2m.md §2.4, OMA ETS LwM2M 1.1 int-101..int-105
 */
import { uriPath, uriQuery } from '../../src/codec/coap/access.ts';
import { parseLinkFormat } from '../../src/codec/lwm2m/link-format.ts';
import { parseRegisterQuery } from '../../src/codec/lwm2m/registration.ts';
import { defineSuite } from '../../src/conformance/index.ts';
import { historyOf, restoreText, sleep, type Lwm2mSide } from './support/lwm2m-data.ts';

/** The request of the endpoint's latest Register, as received. */
function lastRegister(side: Lwm2mSide) {
  const entry = historyOf(side, 'register').at(-1);
  if (entry?.message === undefined) throw new Error(`no Register from ${side.endpoint} was recorded`);
  return entry.message;
}

const BINDING_10 = /^(U|UQ|S|SQ|US|UQS)$/;
const BINDING_11 = /^[UMSNT]+$/;

defineSuite({ id: 'lwm2m/registration', protocol: 'LwM2M', feature: 'registration', title: 'LwM2M client registration interface' }, (s) => {
  // Register: ep= is mandatory; the payload lists the client's objects and instances; the Device
  // object (3) is mandatory on every client (docs/spec/lwm2m.md §2.4, §4).
  s.case({
    id: 'LWM2M-REG-001',
    title: 'client registers with ep, lt and a link payload listing /3/0',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Client Registration Interface', quote: 'When registering, the LWM2M Client performs the “Register” operation and provides the properties the LWM2M Server requires to contact the LWM2M Client (e.g., End Point Name); maintain the registration and session (e.g., Lifetime, Queue Mode) between the LWM2M Client and LWM2M Server as well as knowledge of the Objects the LWM2M Client supports and existing Object Instances in the LWM2M Client.' },
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

  // "The LwM2M Client MUST include the LwM2M Version" (1.1 Register, lwm2m=).
  s.case({
    id: 'LWM2M-REG-002',
    title: 'Register carries lwm2m= with the enabler version (mandatory since 1.1)',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '2.4 Client Registration interface', quote: 'mandatory in 1.1+' },
    stimulus: 'None: the Register the client sent when it started.',
    requirement: 'Uri-Query lwm2m=1.0|1.1|1.2; a client announcing 1.1 features (ct= on the root link, ver=1.1 objects) without it fails.',
    requires: ['lwm2m'],
    story: 'register',
    run({ lwm2m, expect }) {
      const params = parseRegisterQuery(uriQuery(lastRegister(lwm2m))).params;
      const r = lwm2m.registration();
      const has11Signs = r.content.contentFormats.length > 0 || r.content.objects.some((o) => o.version !== undefined && o.version !== '1.0');
      if (params.lwm2mVersion === undefined && !has11Signs) {
        expect.warn(false, 'Register without lwm2m=: read as LwM2M 1.0 (optional there, mandatory since 1.1)');
        return;
      }
      expect.that(params.lwm2mVersion !== undefined && /^1\.[012]$/.test(params.lwm2mVersion), {
        expected: 'lwm2m=1.0, 1.1 or 1.2', actual: params.lwm2mVersion === undefined ? `no lwm2m= although the payload uses 1.1 link attributes; query: ${uriQuery(lastRegister(lwm2m)).join('&')}` : `lwm2m=${params.lwm2mVersion}`,
      });
    },
  });

  s.case({
    id: 'LWM2M-REG-003',
    title: 'Register names the endpoint (ep=) and gives a valid lifetime and binding',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Client Registration Interface', quote: 'When registering, the LWM2M Client performs the “Register” operation and provides the properties the LWM2M Server requires to contact the LWM2M Client (e.g., End Point Name); maintain the registration and session (e.g., Lifetime, Queue Mode) between the LWM2M Client and LWM2M Server as well as knowledge of the Objects the LWM2M Client supports and existing Object Instances in the LWM2M Client.' },
    stimulus: 'None: the Register the client sent when it started.',
    requirement: 'ep= equals the configured endpoint; lt= (when sent) a positive integer; b= (when sent) a binding of the announced version.',
    requires: ['lwm2m'],
    story: 'register',
    run({ lwm2m, expect }) {
      const query = uriQuery(lastRegister(lwm2m));
      const { params, findings } = parseRegisterQuery(query);
      expect.that(params.endpoint === lwm2m.endpoint, { expected: `ep=${lwm2m.endpoint}`, actual: `query: ${query.join('&')}` });
      expect.that(findings.length === 0, { expected: 'every query parameter well-formed', actual: findings.map((f) => f.message).join('; ') });
      expect.that(params.lifetime === undefined || (Number.isInteger(params.lifetime) && params.lifetime > 0), { expected: 'lt= a positive integer', actual: `lt=${params.lifetime}` });
      const binding = params.binding;
      const valid = binding === undefined || (params.lwm2mVersion === '1.0' || params.lwm2mVersion === undefined ? BINDING_10 : BINDING_11).test(binding);
      expect.that(valid, { expected: 'b= a binding of the announced enabler version', actual: `b=${binding} with lwm2m=${params.lwm2mVersion}` });
      expect.note(`lt=${params.lifetime ?? '(absent: 86400)'}, b=${binding ?? '(absent: U)'}`);
    },
  });

  // Register payload: CoRE link format, Security object never listed.
  s.case({
    id: 'LWM2M-REG-LINK-001',
    title: 'Register payload is CoRE link format (40) listing objects and instances, not the Security object',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '2.4 Client Registration interface', quote: 'Security object (0) must not be listed (OSCORE 21 likewise in 1.1).' },
    stimulus: 'None: the Register payload the client sent.',
    requirement: 'Content-Format 40; every link parses and targets /oid or /oid/iid (or the root); /0 is absent.',
    // Judged on the Register request itself, so it runs even when the server refused it.
    requires: [],
    judgesRegisterRequests: true,
    story: 'register',
    run({ lwm2m, expect }) {
      const message = lastRegister(lwm2m);
      const text = new TextDecoder().decode(message.payload);
      const parsed = parseLinkFormat(text);
      expect.that(parsed.findings.length === 0 && parsed.links.length > 0, { expected: 'a valid link-format object list', actual: `${parsed.findings.map((f) => `at ${f.at}: ${f.message}`).join('; ') || 'no links'}\npayload: ${text.slice(0, 200)}` });
      const bad = parsed.links.filter((l) => l.target !== '/' && (l.path === undefined || l.path.length === 0 || l.path.length > 2) && !l.params.some((p) => p.name === 'rt'));
      expect.that(bad.length === 0, { expected: 'links to /oid or /oid/iid', actual: bad.map((l) => `<${l.target}>`).join(',') });
      expect.that(!parsed.links.some((l) => l.path?.[0] === 0), { expected: 'Security (/0) not listed', actual: text.slice(0, 200) });
    },
  });

  // int-104: Execute /1/x/8 → Update, sent to the Location-Path of the Register answer.
  s.case({
    id: 'LWM2M-REG-UPDATE-002',
    title: 'Registration Update Trigger: the Update goes to the Location-Path the server returned',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '2.4 Client Registration interface', quote: 'The client must use the returned Location-Path verbatim for Update/De-register.' },
    stimulus: 'Execute /1/0/8 (Registration Update Trigger).',
    requirement: '2.04, then a CON POST to /rd/<id> exactly as Location-Path said, answered 2.04.',
    requires: ['lwm2m', 'lwm2m.obj.1'],
    story: 'update',
    async run({ lwm2m, expect }) {
      const r = lwm2m.registration();
      const seen = lwm2m.server.history.length;
      expect.coapCode(await lwm2m.server.execute(lwm2m.endpoint, '/1/0/8'), '2.04');
      const deadline = Date.now() + 5000;
      while (lwm2m.server.history.length === seen && Date.now() < deadline) await sleep(50);
      const next = lwm2m.server.history[seen];
      const path = next?.message ? uriPath(next.message).join('/') : '(nothing within 5 s)';
      expect.that(next?.kind === 'update' && path === r.location.join('/') && next.answered === '2.04', { expected: `Update POST /${r.location.join('/')} answered 2.04`, actual: `${next?.kind ?? 'no message'} to /${path} answered ${next?.answered}` });
    },
  });

  // int-102: a Lifetime write makes the client send an Update with the new lt.
  s.case({
    id: 'LWM2M-REG-UPDATE-003',
    title: 'after a Lifetime write the client sends an Update carrying the new lt',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '2.4 Client Registration interface', quote: 'client must send an Update carrying the new `lt`' },
    stimulus: 'Write /1/0/1 (Lifetime) = current + 10 as text/plain; then restore it.',
    requirement: '2.04, then an Update with lt=<new value> (2.04); the server-side lifetime follows.',
    requires: ['lwm2m', 'lwm2m.obj.1'],
    story: 'update',
    async run({ lwm2m, expect }) {
      const before = lwm2m.registration().lifetimeS;
      const updated = lwm2m.server.waitForEvent((e): e is Extract<typeof e, { kind: 'updated' }> => e.kind === 'updated' && e.registration.endpoint === lwm2m.endpoint, 5000, lwm2m.endpoint, 'Update after the Lifetime write');
      expect.coapCode(await lwm2m.server.write(lwm2m.endpoint, '/1/0/1', { format: 0, payload: new TextEncoder().encode(String(before + 10)) }), '2.04');
      const e = await updated.catch(() => undefined);
      expect.that(e !== undefined && e.registration.lifetimeS === before + 10, { expected: `an Update with lt=${before + 10}`, actual: e ? `Update; lifetime now ${e.registration.lifetimeS} s` : 'no Update within 5 s' });
      await restoreText(lwm2m, '/1/0/1', String(before));
      await lwm2m.server.waitForEvent((x): x is Extract<typeof x, { kind: 'updated' }> => x.kind === 'updated', 5000, lwm2m.endpoint, 'Update after restoring the lifetime').catch(() => undefined);
    },
  });

  // int-103: Disable (/1/x/4) → De-register, then register again after the Disable Timeout.
  s.case({
    id: 'LWM2M-REG-DEREG-001',
    title: 'Disable makes the client De-register (DELETE on its Location-Path) and register again after the timeout',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-obj-server-1.1', section: 'Resource 4 Disable', quote: 'After receiving “Execute” operation, LwM2M Client MUST send response of the operation and perform de-registration process, and underlying network connection between the Client and Server MUST be disconnected to disable the LwM2M Server account.' },
    stimulus: 'Write /1/0/5 (Disable Timeout) = 1, Execute /1/0/4 (Disable); restore /1/0/5 afterwards.',
    requirement: 'DELETE /rd/<id> (answered 2.02), then a new Register within the timeout plus a margin.',
    requires: ['lwm2m', 'lwm2m.obj.1'],
    story: 'deregister',
    timeoutMs: 30_000,
    async run({ lwm2m, expect }) {
      const old = lwm2m.registration();
      expect.coapCode(await lwm2m.server.write(lwm2m.endpoint, '/1/0/5', { format: 0, payload: new TextEncoder().encode('1') }), '2.04');
      const back = lwm2m.server.waitForNewRegistration(lwm2m.endpoint, 15_000);
      expect.coapCode(await lwm2m.server.execute(lwm2m.endpoint, '/1/0/4'), '2.04');
      const again = await back.catch(() => undefined);
      const dereg = historyOf(lwm2m, 'deregister').find((h) => h.registrationId === old.id);
      expect.that(dereg !== undefined && dereg.answered === '2.02', { expected: `DELETE /${old.location.join('/')} answered 2.02`, actual: dereg ? `answered ${dereg.answered}` : 'no De-register' });
      expect.that(again !== undefined, { expected: 'a new Register after the Disable Timeout', actual: 'none within 15 s' });
      await restoreText(lwm2m, '/1/0/5', '86400');
    },
  });

  // int-105: the server forgets the registration; the Update gets 4.04; the client registers again.
  s.case({
    id: 'LWM2M-REG-REREG-001',
    title: 'an Update refused with 4.04 is followed by a new Register',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '2.4 Client Registration interface', quote: 'after which the client must fall back to a full Register' },
    stimulus: 'The server answers the next Update 4.04; Execute /1/0/8 to make the client send one.',
    requirement: 'A full Register (POST /rd with ep=) follows the 4.04, within 10 s.',
    requires: ['lwm2m', 'lwm2m.obj.1'],
    story: 'update',
    timeoutMs: 30_000,
    async run({ lwm2m, expect }) {
      lwm2m.server.refuseNextUpdates(lwm2m.endpoint, 1);
      const back = lwm2m.server.waitForNewRegistration(lwm2m.endpoint, 10_000);
      expect.coapCode(await lwm2m.server.execute(lwm2m.endpoint, '/1/0/8'), '2.04');
      const again = await back.catch(() => undefined);
      const refused = historyOf(lwm2m, 'update').filter((h) => h.answered === '4.04').length;
      expect.that(again !== undefined, { expected: 'a new Register after the 4.04', actual: `no Register within 10 s (${refused} Update(s) answered 4.04)` });
    },
  });
});
