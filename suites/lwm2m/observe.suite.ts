/**
 * Information reporting: Observe establishes an observation, notifications carry increasing
 * Observe numbers and respect pmin, cancelling (Observe=1 or RST) stops them.
 * @see docs/spec/lwm2m.md §2.6, §1.4; OMA ETS LwM2M 1.1 int-301..int-303; RFC 7641
 */
import { ContentFormat } from '../../src/codec/coap/content-format.ts';
import { uintOptionValue } from '../../src/codec/coap/access.ts';
import { CoapOption } from '../../src/codec/coap/options.ts';
import { coapAnswer, defineSuite } from '../../src/conformance/index.ts';
import { restoreText, utf8 } from './support/lwm2m-data.ts';
import { cancelAfterNotification, withObservation } from './support/observe-helpers.ts';

const msSince = (atNs: bigint, fromNs: bigint): number => Number(atNs - fromNs) / 1e6;

defineSuite({ id: 'lwm2m/observe', protocol: 'LwM2M', feature: 'information reporting', title: 'LwM2M Observe, Notify, Cancel' }, (s) => {
  s.case({
    id: 'LWM2M-INFO-OBSERVE-001',
    title: 'Observe answers 2.05 with an Observe option and the current value',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Information Reporting Interface', quote: 'The LWM2M Server and the LWM2M Client MUST support all the operations in this interface.' },
    stimulus: 'GET /3/0/9 (Battery Level) with Observe 0; then cancel.',
    requirement: '2.05 carrying an Observe option and a decodable integer value.',
    requires: ['lwm2m', 'lwm2m.obj.3'],
    story: 'observe',
    async run({ lwm2m, expect }) {
      await withObservation(lwm2m, '/3/0/9', [], async (o) => {
        expect.lwm2mTypes(expect.lwm2mContent(o.first));
        expect.that(o.first.options.some((x) => x.number === CoapOption.OBSERVE), { expected: 'an Observe option in the 2.05', actual: 'none: the observation was not established' });
      });
    },
  });

  // "... the Observe option ... a strictly increasing sequence number" (RFC 7641 §4.4).
  s.case({
    id: 'LWM2M-INFO-OBSERVE-002',
    title: 'notifications come at pmax with strictly increasing Observe numbers',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-core-1.1.1', section: '5.1.2 Attributes Classification (<NOTIFICATION> class: Maximum Period)', quote: 'When this “Maximum Period” expires after the last notification, a new notification MUST be sent.' },
    stimulus: 'PUT /3/0/9?pmax=1, observe /3/0/9, wait for two notifications; remove pmax, cancel.',
    requirement: 'Two 2.05 notifications, each fresher than the last (Observe number increases); each within pmax + 1.5 s (recorded).',
    requires: ['lwm2m', 'lwm2m.obj.3'],
    story: 'notify',
    timeoutMs: 20_000,
    async run({ lwm2m, expect }) {
      await withObservation(lwm2m, '/3/0/9', ['pmax=1'], async (o) => {
        let last = o.first.outcome.receivedAtNs;
        const seqs: (number | undefined)[] = [];
        for (let i = 0; i < 2; i++) {
          const n = await o.next(4000);
          expect.timing(`notification ${i + 1} after the previous answer`, msSince(n.atNs, last), { minMs: 0, maxMs: 2500 });
          last = n.atNs;
          seqs.push(n.sequence);
          expect.that(n.fresh, { check: 'Observe number', expected: 'an Observe number above the previous one', actual: `Observe numbers so far: ${seqs.join(', ')}` });
        }
      });
    },
  });

  // "pmin: the minimum time in seconds the client MUST wait between two notifications" (LwM2M Core §5.1.2).
  s.case({
    id: 'LWM2M-INFO-OBSERVE-003',
    title: 'a change is not notified before pmin has passed since the last notification',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-core-1.1.1', section: '5.1.2 Attributes Classification (<NOTIFICATION> class: Minimum Period)', quote: 'The Minimum Period Attribute indicates the minimum time in seconds the LwM2M Client MUST wait between two notifications.' },
    stimulus: 'PUT /1/0/3?pmin=2&pmax=30, observe /1/0/3, write a new value at once; restore value and attributes, cancel.',
    requirement: 'The notification of the change arrives no earlier than pmin (2 s, 0.3 s tolerance) after the Observe answer.',
    requires: ['lwm2m', 'lwm2m.obj.1'],
    story: 'notify',
    timeoutMs: 20_000,
    async run({ lwm2m, expect }) {
      const old = await lwm2m.server.read(lwm2m.endpoint, '/1/0/3', { accept: ContentFormat.TEXT_PLAIN });
      await withObservation(lwm2m, '/1/0/3', ['pmin=2', 'pmax=30'], async (o) => {
        const next = new TextDecoder().decode(old.payload) === '91' ? '92' : '91';
        expect.coapCode(await lwm2m.server.write(lwm2m.endpoint, '/1/0/3', { format: ContentFormat.TEXT_PLAIN, payload: utf8(next) }), '2.04');
        const n = await o.next(5000);
        expect.timing('change notified after the Observe answer', msSince(n.atNs, o.first.outcome.receivedAtNs), { minMs: 1700, maxMs: 4000 });
      });
      await restoreText(lwm2m, '/1/0/3', new TextDecoder().decode(old.payload));
    },
  });

  // LwM2M needs the token to tell observations apart; Wakaama 4.00, Zephyr v4.0 5.00 (docs/spec/lwm2m.md §1.4).
  s.case({
    id: 'LWM2M-INFO-OBSERVE-004',
    title: 'an Observe with an empty token is refused as a bad request (4.00), not as a server error',
    level: 'SHOULD',
    spec: { doc: 'lwm2m-digest', section: '1.4 Token and Message-ID rules' },
    stimulus: 'GET /3/0/9 with Observe 0 and a zero-length token.',
    requirement: '4.00 Bad Request; a 5.xx blames the client itself for the server\'s request.',
    requires: ['lwm2m', 'lwm2m.obj.3'],
    story: 'observe',
    async run({ lwm2m, expect }) {
      const spec = { method: '0.01', path: ['3', '0', '9'], token: new Uint8Array(0), options: [uintOptionValue(CoapOption.OBSERVE, 0)] };
      const rsp = coapAnswer(await lwm2m.server.coap.request(lwm2m.registration().peer, spec));
      expect.warn(rsp.code === '4.00', `Observe with an empty token answered ${rsp.code ?? 'RST'}, expected 4.00`);
      if (rsp.code === '2.05') await lwm2m.server.coap.request(lwm2m.registration().peer, { ...spec, options: [uintOptionValue(CoapOption.OBSERVE, 1)] }).catch(() => undefined);
    },
  });

  // "A client MAY explicitly deregister by issuing a GET ... with Observe 1" → the server removes it (RFC 7641 §3.6).
  s.case({
    id: 'LWM2M-INFO-CANCEL-001',
    title: 'cancel with Observe=1 answers 2.05 and stops the notifications',
    level: 'MUST',
    spec: { doc: 'oma-lwm2m-ts-1.0', section: 'Information Reporting Interface', quote: 'An observation ends when a “Cancel Observation” operation is performed.' },
    stimulus: 'PUT /3/0/9?pmax=1, observe, take one notification, GET with Observe 1 on the same token; watch 2.5 s.',
    requirement: '2.05 to the cancel; no notification with that token afterwards.',
    requires: ['lwm2m', 'lwm2m.obj.3'],
    story: 'cancel',
    timeoutMs: 20_000,
    async run({ lwm2m, expect }) {
      const { answer, after } = await cancelAfterNotification(lwm2m, '/3/0/9', 'deregister', 2500);
      expect.coapCode(answer!, '2.05');
      expect.that(after === 0, { expected: 'no notification after the cancel', actual: `${after} notification(s) within 2.5 s` });
    },
  });

  // "If the client rejects a notification with RST ... the server MUST remove the client" (RFC 7641 §3.6, §4.5).
  s.case({
    id: 'LWM2M-INFO-CANCEL-002',
    title: 'a notification answered with RST ends the observation',
    level: 'MUST',
    spec: { doc: 'rfc7641', section: '3.6', quote: 'When the server then sends the next notification, the client will not recognize the token in the message and thus will return a Reset message. This causes the server to remove the associated entry from the list of observers.' },
    stimulus: 'PUT /3/0/9?pmax=1, observe, take one notification, answer the next with RST; watch 3 s.',
    requirement: 'At most the one notification that got the RST; none after it.',
    requires: ['lwm2m', 'lwm2m.obj.3'],
    story: 'cancel',
    timeoutMs: 20_000,
    async run({ lwm2m, expect }) {
      const { after } = await cancelAfterNotification(lwm2m, '/3/0/9', 'reset', 3000);
      expect.that(after <= 1, { expected: 'at most one notification (the one answered with RST)', actual: `${after} notification(s) within 3 s` });
    },
  });
});
