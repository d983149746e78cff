/**
 * Transport security: a target configured for DTLS-PSK (targets.json `lwm2m.security`) must reach
 * the server through a DTLS 1.2 association authenticated with its PSK identity, using the cipher
 * suite LwM2M mandates for PSK. The harness's server offers only that suite, so a completed
 * handshake proves the client supports it. On a NoSec target the case is unsupported (and the
 * run's summary carries the `lwm2m-nosec` security finding instead).
 * @see docs/spec/lwm2m.md §7.2, §4.1 (Security object), OMA ETS LwM2M 1.1 int-401
 */
import { defineSuite } from '../../src/conformance/index.ts';

const decoder = new TextDecoder();

defineSuite({ id: 'lwm2m/security', protocol: 'LwM2M', feature: 'security', title: 'LwM2M transport security (DTLS-PSK)' }, (s) => {
  s.case({
    id: 'LWM2M-SEC-DTLS-001',
    title: 'a DTLS-PSK client completes the DTLS 1.2 handshake with its configured identity (TLS_PSK_WITH_AES_128_CCM_8)',
    level: 'MUST',
    // ETS LightweightM2M-1.1-int-401 (UDP channel security, PSK) runs the same check.
    spec: { doc: 'lwm2m-digest', section: '7.2 DTLS for a Node PSK server', quote: "LwM2M's mandatory suites: PSK → **TLS_PSK_WITH_AES_128_CCM_8 (0xC0A8)**" },
    stimulus: 'None: the client connects to the harness\'s coaps:// server on its own once started.',
    requirement: 'A DTLS 1.2 association with PSK identity = lwm2m.security.identity is established (the server offers only TLS_PSK_WITH_AES_128_CCM_8), and the Register arrives inside it; a refused handshake (wrong key, unknown identity) fails with the alert.',
    // Judged on the handshakes themselves, so it runs even when none completed and no Register came.
    requires: [],
    judgesDtlsHandshakes: true,
    story: 'dtls-psk',
    run({ lwm2m, expect, skip }) {
      const security = lwm2m.security ?? { mode: 'nosec' as const };
      if (security.mode !== 'psk') return skip('the target is NoSec (lwm2m.security absent or "nosec"): no DTLS to judge');
      const events = lwm2m.server.coap.dtlsEvents;
      const established = events.flatMap((e) => (e.kind === 'established' ? [e] : []));
      const failures = events.flatMap((e) => (e.kind === 'closed' && e.reason.kind !== 'closed-locally' && e.reason.kind !== 'close-notify-received' ? [e] : []));
      const failureText = failures.map((e) => `${e.peer.address}:${e.peer.port}: ${e.reason.kind === 'alert-sent' ? `server sent ${e.reason.name}: ${e.reason.detail}` : e.reason.kind === 'alert-received' ? `client sent ${e.reason.name}` : e.reason.kind}`).join('; ');
      const identities = [...new Set(established.map((e) => decoder.decode(e.peer.identity)))];
      expect.that(established.length > 0, {
        check: 'handshake',
        expected: `a DTLS 1.2 association with PSK identity "${security.identity}"`,
        actual: failures.length > 0 ? `no association established; ${failures.length} handshake(s) refused: ${failureText}` : 'no DTLS handshake completed',
      });
      expect.that(identities.includes(security.identity), { check: 'identity', expected: `identity "${security.identity}"`, actual: `identities: ${identities.map((i) => JSON.stringify(i)).join(', ') || '(none)'}` });
      if (lwm2m.unreachable === undefined) {
        const peer = lwm2m.registration().peer;
        const carried = established.some((e) => e.peer.address === peer.address && e.peer.port === peer.port);
        expect.that(carried, { check: 'register inside DTLS', expected: `the Register from ${peer.address}:${peer.port} inside an association`, actual: carried ? 'yes' : 'the registration came from an address without an association' });
      }
      const times = established.map((e) => `${e.handshakeMs.toFixed(1)} ms`).join(', ');
      expect.note(`DTLS 1.2 PSK, TLS_PSK_WITH_AES_128_CCM_8; ${established.length} association(s), handshake ${times || '(none)'}${failures.length > 0 ? `; refused: ${failureText}` : ''}`);
    },
  });
});
