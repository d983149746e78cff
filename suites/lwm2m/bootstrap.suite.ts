/**
 * Bootstrap interface, judged from the session's bootstrap: on a target with `lwm2m.bootstrap`
 * the device is pointed at the harness as Bootstrap-Server; the session answers its
 * Bootstrap-Request and walks Discover, Read (1.1), a Finish before any DM account (1.1), Write of
 * a throw-away account, Delete of /0 and of /, Write of the harness's DM server account and the
 * final Finish (src/client/lwm2m/bootstrap-script.ts), then waits for the Register at the server
 * the bootstrap wrote. Each case judges one rule from that record.
 * @see docs/spec/lwm2m.md §2.2 (bootstrap mapping), §2.3, §5, §6.1 (ETS int-0, int-4, int-5)
 */
import { parseLinkFormat } from '../../src/codec/lwm2m/link-format.ts';
import { defineSuite, type CaseContext } from '../../src/conformance/index.ts';
import type { Lwm2mSide } from './support/lwm2m-data.ts';

type Record_ = NonNullable<Lwm2mSide['bootstrap']>;
type Step = Record_['steps'][number];

/** The session's bootstrap record (the case requires `lwm2m.bootstrap`, so it exists). */
function recordOf(side: Lwm2mSide): Record_ {
  if (side.bootstrap === undefined) throw new Error(`target of ${side.endpoint} does not bootstrap`);
  return side.bootstrap;
}

function stepOf(record: Record_, name: Step['name']): Step | undefined {
  return record.steps.find((s) => s.name === name);
}

/** `DELETE /0 → 2.02`, or what happened instead. */
function describeStep(s: Step | undefined, name: string): string {
  if (s === undefined) return `${name}: not sent (the bootstrap stopped earlier)`;
  const verb = { discover: 'Discover', read: 'Read', write: 'Write', delete: 'Delete', finish: 'Finish' }[s.operation];
  return `${verb} ${s.path} → ${s.code ?? s.problem ?? 'no answer'}${s.payloadText !== '' && s.operation === 'discover' ? ` ${s.payloadText}` : ''}`;
}

/** Instance paths (`/0/1`) a Discover answer lists. */
function instancesIn(payloadText: string): string[] {
  return parseLinkFormat(payloadText).links.map((l) => l.target).filter((t) => /^\/\d+\/\d+$/.test(t));
}

/** Security instances a Discover of / or /0 lists that carry no ssid (the bootstrap account has none). */
function bootstrapAccountLinks(payloadText: string): string[] {
  return parseLinkFormat(payloadText).links.filter((l) => /^\/0\/\d+$/.test(l.target) && !l.params.some((p) => p.name === 'ssid')).map((l) => l.target);
}

/**
 * A Bootstrap-Delete and the Discover after it: the Delete answered 2.02; then, when the Discover
 * answered, `leftovers` (instances the Delete should have removed) is empty and the bootstrap
 * server's Security instance is still listed.
 */
function judgeDeleteThenDiscover(
  expect: CaseContext['expect'],
  record: Record_,
  del: { step: Step['name']; label: string },
  discover: { step: Step['name']; label: string },
  leftovers: { check: string; expected: string; of: (instances: string[]) => string[] },
): void {
  const deleted = stepOf(record, del.step);
  expect.that(deleted?.code === '2.02', { check: 'code', expected: '2.02 Deleted', actual: describeStep(deleted, del.label) });
  const after = stepOf(record, discover.step);
  if (after?.code !== '2.05') return expect.note(`contents not checked: ${describeStep(after, discover.label)}`);
  const left = leftovers.of(instancesIn(after.payloadText));
  expect.that(left.length === 0, { check: leftovers.check, expected: leftovers.expected, actual: `still listed: ${left.join(', ')} (${after.payloadText})` });
  expect.that(bootstrapAccountLinks(after.payloadText).length > 0, { check: 'bootstrap account', expected: 'the bootstrap server\'s Security instance kept', actual: after.payloadText || '(empty)' });
}

const BS = { requires: ['lwm2m.bootstrap'], judgesBootstrap: true, story: 'bootstrap' } as const;

defineSuite({ id: 'lwm2m/bootstrap', protocol: 'LwM2M', feature: 'bootstrap', title: 'LwM2M bootstrap interface (the harness as Bootstrap-Server)' }, (s) => {
  s.case({
    ...BS,
    id: 'LWM2M-BS-001',
    title: 'the client asks for bootstrap with CON POST /bs?ep=NAME (1.1: optional pct)',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '2.3 Bootstrap interface', quote: 'Bootstrap-Request | client → BS | CON POST `/bs?ep={name}` ; 1.1 adds `&pct={format}` (preferred content format)' },
    stimulus: 'None: the device is started pointed at the harness as Bootstrap-Server.',
    requirement: 'The first Bootstrap-Request is a CON POST to /bs whose ep= names the configured endpoint; a pct= given is a Content-Format number.',
    run({ lwm2m, expect }) {
      const record = recordOf(lwm2m);
      const first = record.requests[0];
      expect.that(first !== undefined, { expected: 'a Bootstrap-Request', actual: record.stoppedEarly ?? 'none' });
      const m = first!.message;
      expect.that(m.type === 'CON' && m.code === '0.02', { check: 'method', expected: 'CON POST', actual: `${m.type} ${m.code}`, frame: first!.bytes });
      expect.that(first!.endpoint === lwm2m.endpoint, { check: 'ep', expected: `ep=${lwm2m.endpoint}`, actual: `query ${first!.query.join('&') || '(none)'}`, frame: first!.bytes });
      const pct = first!.query.find((q) => q.startsWith('pct='));
      if (pct !== undefined) expect.that(/^pct=\d{1,5}$/.test(pct), { check: 'pct', expected: 'pct=<Content-Format number>', actual: pct });
      expect.note(`Bootstrap-Request ${first!.query.join('&')}, answered ${first!.answered}${first!.findings.length > 0 ? `; findings: ${first!.findings.join('; ')}` : ''}`);
    },
  });

  s.case({
    ...BS,
    id: 'LWM2M-BS-002',
    title: 'Bootstrap-Discover of / answers 2.05 link format: </>;lwm2m=, then the instances',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '2.3 Bootstrap interface', quote: '2.05 link-format: first link `</>;lwm2m=1.x`, then instances' },
    stimulus: 'GET / with Accept 40 right after the Bootstrap-Request was accepted.',
    requirement: '2.05 in link format; the first link is </> with lwm2m=; the bootstrap server\'s Security instance is listed. A 1.0 client (no pct, no Discover) is recorded only.',
    run({ lwm2m, expect }) {
      const record = recordOf(lwm2m);
      const step = stepOf(record, 'discover-root');
      if (step?.code !== '2.05' && record.version === undefined) return expect.informational(`no Bootstrap-Discover answer from a client that announced no 1.1 (${describeStep(step, 'Discover /')})`);
      expect.that(step?.code === '2.05', { check: 'code', expected: '2.05 Content', actual: describeStep(step, 'Discover /') });
      const links = parseLinkFormat(step?.payloadText ?? '').links;
      expect.that(links[0]?.target === '/' && links[0].params.some((p) => p.name === 'lwm2m'), { check: 'root link', expected: 'first link </> with lwm2m=', actual: step?.payloadText || '(empty)' });
      expect.that(links.some((l) => /^\/0\/\d+$/.test(l.target)), { check: 'security instance', expected: 'the bootstrap account\'s Security instance </0/N>', actual: step?.payloadText || '(empty)' });
    },
  });

  s.case({
    ...BS,
    id: 'LWM2M-BS-003',
    title: 'Bootstrap-Write of Security and Server instances is answered 2.04',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '2.3 Bootstrap interface', quote: 'Bootstrap-Write | BS → client | PUT `/{oid}[/{iid}[/{rid}]]` with TLV/SenML/… | 2.04' },
    stimulus: 'PUT /0/1 and /1/0 (a throw-away account), later PUT /0/1 and /1/0 again with the harness\'s DM server account, in the client\'s preferred format.',
    requirement: 'Each write is answered 2.04 Changed (instances are created when missing).',
    run({ lwm2m, expect }) {
      const record = recordOf(lwm2m);
      for (const name of ['write-stale-security', 'write-stale-server', 'write-security', 'write-server'] as const) {
        const step = stepOf(record, name);
        expect.that(step?.code === '2.04', { check: name, expected: '2.04 Changed', actual: describeStep(step, name) });
      }
    },
  });

  s.case({
    ...BS,
    id: 'LWM2M-BS-004',
    title: 'Bootstrap-Delete of / removes every Server and Security instance but the bootstrap account',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '2.2 Operation ↔ CoAP mapping (bootstrap)', quote: 'DELETE | Bootstrap-Delete (all, except the BS-server security instance and Device)' },
    stimulus: 'With a throw-away Server instance /1/0 written: DELETE /, then Discover /.',
    requirement: '2.02 Deleted; the Discover after it lists no /1/N instance and keeps the bootstrap server\'s Security instance.',
    run({ lwm2m, expect }) {
      judgeDeleteThenDiscover(expect, recordOf(lwm2m), { step: 'delete-root', label: 'Delete /' }, { step: 'discover-after-delete', label: 'Discover / after the delete' }, {
        check: 'server instances', expected: 'no /1/N instance after Delete /', of: (instances) => instances.filter((p) => p.startsWith('/1/')),
      });
    },
  });

  s.case({
    ...BS,
    id: 'LWM2M-BS-005',
    title: 'Bootstrap-Finish with a usable DM server account is answered 2.04',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '2.3 Bootstrap interface', quote: 'Bootstrap-Finish | BS → client | POST `/bs` | 2.04' },
    stimulus: 'POST /bs after the DM server account (Security /0/1, Server /1/0, same Short Server ID) was written.',
    requirement: '2.04 Changed within the CoAP exchange bound.',
    run({ lwm2m, expect }) {
      const step = stepOf(recordOf(lwm2m), 'finish');
      expect.that(step?.code === '2.04', { check: 'code', expected: '2.04 Changed', actual: describeStep(step, 'Finish') });
    },
  });

  s.case({
    ...BS,
    id: 'LWM2M-BS-006',
    title: 'after Bootstrap-Finish the client registers with the server the bootstrap wrote',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '6.1 (ETS int-0, int-5)', quote: 'Execute `/1/0/9` → client bootstraps then registers' },
    stimulus: 'None beyond the bootstrap: the written Security instance names the harness\'s DM server.',
    requirement: 'A Register with the configured ep= reaches that server after the Finish.',
    run({ lwm2m, expect }) {
      const record = recordOf(lwm2m);
      const since = record.finishedAtMs ?? Number.POSITIVE_INFINITY;
      const registers = lwm2m.server.history.filter((h) => h.kind === 'register' && h.endpoint === lwm2m.endpoint && h.atMs >= since);
      expect.that(registers.length > 0, { expected: `a Register from ${lwm2m.endpoint} at ${record.dmServerUri} after the Finish`, actual: lwm2m.unreachable ?? (record.finishedAtMs === undefined ? `no Finish was sent (${record.stoppedEarly ?? 'bootstrap stopped'})` : 'none') });
      if (registers[0] !== undefined) expect.note(`registered ${registers[0].atMs - since} ms after the Finish`);
    },
  });

  s.case({
    ...BS,
    id: 'LWM2M-BS-007',
    title: 'Bootstrap-Finish without a usable DM server account is refused with 4.06 (1.1)',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '2.3 Bootstrap interface', quote: '1.1: **4.06 Not Acceptable** if the resulting config is unusable' },
    stimulus: 'POST /bs while the client holds only the bootstrap account (no Server instance).',
    requirement: '4.06 Not Acceptable; the client stays in bootstrap (the walk goes on in the same session).',
    run({ lwm2m, expect }) {
      const record = recordOf(lwm2m);
      if (record.version !== '1.1') return expect.informational(`the client announced LwM2M ${record.version ?? '(none)'}: the 4.06 rule is 1.1`);
      const step = stepOf(record, 'finish-unusable');
      expect.that(step?.code === '4.06', { check: 'code', expected: '4.06 Not Acceptable', actual: describeStep(step, 'Finish with no DM account') });
    },
  });

  s.case({
    ...BS,
    id: 'LWM2M-BS-008',
    title: 'Bootstrap-Read answers the Server object and refuses the Security object (1.1)',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '2.3 Bootstrap interface', quote: 'Bootstrap-Read (1.1) | BS → client | GET on Server (1) or Access Control (2) object/instance | 2.05 | 4.05 on other objects' },
    stimulus: 'GET /1 and GET /0 during the bootstrap.',
    requirement: 'GET /1 → 2.05; GET /0 (which holds keys) → 4.05, never 2.05.',
    run({ lwm2m, expect }) {
      const record = recordOf(lwm2m);
      if (record.version !== '1.1') return expect.informational(`the client announced LwM2M ${record.version ?? '(none)'}: Bootstrap-Read is 1.1`);
      const server = stepOf(record, 'read-server');
      const security = stepOf(record, 'read-security');
      expect.that(server?.code === '2.05', { check: 'read /1', expected: '2.05 Content', actual: describeStep(server, 'Read /1') });
      expect.that(security?.code !== undefined && security.code !== '2.05' && security.code.startsWith('4.'), { check: 'read /0', expected: '4.05 Method Not Allowed (Security is not readable)', actual: describeStep(security, 'Read /0') });
      expect.warn(security?.code === undefined || !security.code.startsWith('4.') || security.code === '4.05', `Read /0 refused with ${security?.code}, the table names 4.05`);
    },
  });

  s.case({
    ...BS,
    id: 'LWM2M-BS-009',
    title: 'Bootstrap-Delete of /0 keeps the bootstrap server\'s Security instance',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '2.2 Operation ↔ CoAP mapping (bootstrap)', quote: 'DELETE | Bootstrap-Delete (all, except the BS-server security instance and Device)' },
    stimulus: 'With a throw-away Security instance /0/1 written: DELETE /0, then Discover /0.',
    requirement: '2.02 Deleted; /0/1 is gone and the bootstrap account\'s instance is still listed.',
    run({ lwm2m, expect }) {
      judgeDeleteThenDiscover(expect, recordOf(lwm2m), { step: 'delete-security', label: 'Delete /0' }, { step: 'discover-security', label: 'Discover /0' }, {
        check: 'deleted', expected: '/0/1 gone', of: (instances) => instances.filter((p) => p === '/0/1'),
      });
    },
  });
});
