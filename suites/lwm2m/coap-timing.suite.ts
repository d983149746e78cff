/**
 * The client's own confirmable messages when the harness withholds the ACK: retransmitted with
 * the RFC 7252 back-off (first timeout in [ACK_TIMEOUT, ACK_TIMEOUT × ACK_RANDOM_FACTOR], doubled
 * each time) exactly MAX_RETRANSMIT times. The parameters are the RFC's unless the target scales
 * the simulator's ACK_TIMEOUT down (targets.json `sim.lwm2m.ackTimeoutMs`); the case says which.
 * @see docs/spec/lwm2m.md §1.7; RFC 7252 §4.2, §4.8
 */
import { defineSuite, type CaseContext } from '../../src/conformance/index.ts';
import { withObservation } from './support/observe-helpers.ts';

const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const RFC_TIMING = { ackTimeoutMs: 2000, ackRandomFactor: 1.5, maxRetransmit: 4, source: 'RFC 7252 §4.8 defaults' };

/** Retransmission i (0 = first) may come this much early: the two ends' receive jitter. */
const earlyToleranceMs = (expectedMs: number): number => 30 + expectedMs * 0.05;
/** ... and this much late: timers and a loaded host. */
const lateToleranceMs = (expectedMs: number): number => 80 + expectedMs * 0.1;

/** Arrival times (ms, from the first) of every transmission of the first CON notification with `token`, until it stops. */
async function withheldTransmissions(ctx: CaseContext, token: Uint8Array, quietMs: number, boundMs: number): Promise<number[]> {
  const coap = ctx.lwm2m.server.coap;
  const tokenHex = toHex(token);
  const isOurs = (m: { type: string; code: string; token: Uint8Array }): boolean => m.type === 'CON' && m.code.startsWith('2.') && toHex(m.token) === tokenHex;
  const stopWithholding = coap.withholdAnswers((m) => isOurs(m));
  const seen: { mid: number; atNs: bigint }[] = [];
  let lastAt = performance.now();
  const unsubscribe = coap.onIncoming((x) => {
    if (x.message === undefined || !isOurs(x.message)) return;
    const first = seen[0];
    if (first === undefined || first.mid === x.message.messageId) {
      seen.push({ mid: x.message.messageId, atNs: x.atNs });
      lastAt = performance.now();
    }
  });
  try {
    const started = performance.now();
    while (performance.now() - started < boundMs && (seen.length === 0 || performance.now() - lastAt < quietMs)) await new Promise((r) => setTimeout(r, 20));
  } finally {
    unsubscribe();
    stopWithholding();
  }
  const t0 = seen[0]?.atNs ?? 0n;
  return seen.map((s) => Number(s.atNs - t0) / 1e6);
}

defineSuite({ id: 'lwm2m/coap-timing', protocol: 'LwM2M', feature: 'CoAP messaging', title: 'CoAP retransmission timing of the client' }, (s) => {
  s.case({
    id: 'LWM2M-COAP-RETX-001',
    title: 'an unacknowledged CON notification is retransmitted MAX_RETRANSMIT times with a doubling timeout',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: '1.7 Transmission parameters (RFC 7252 defaults; identical values in [NC] lib/parameters.ts and [W] er-coap-13.h)', quote: 'Retransmission schedule for one CON with initial timeout T ∈ [2 s, 3 s]: sends at t = 0, T, 3T, 7T, 15T, gives up at 31T (62–93 s).' },
    stimulus: 'PUT /3/0/9?pmax=1, observe it; leave every CON notification of that token unanswered (no ACK, no RST) and time the transmissions of the first one until the client stops; remove pmax, cancel.',
    requirement: 'MAX_RETRANSMIT + 1 transmissions; gap i in [ACK_TIMEOUT × 2^i, ACK_TIMEOUT × ACK_RANDOM_FACTOR × 2^i] (tolerance 30 ms + 5% early, 80 ms + 10% late), so each gap doubles the one before; parameters and measured gaps in the evidence.',
    requires: ['lwm2m', 'lwm2m.obj.3'],
    story: 'retransmission',
    timeoutMs: 150_000,
    async run(ctx) {
      const t = ctx.lwm2m.deviceConTiming ?? RFC_TIMING;
      ctx.log(`parameters: ACK_TIMEOUT ${t.ackTimeoutMs} ms, ACK_RANDOM_FACTOR ${t.ackRandomFactor}, MAX_RETRANSMIT ${t.maxRetransmit} (${t.source})`);
      const lastGapMaxMs = t.ackTimeoutMs * t.ackRandomFactor * 2 ** t.maxRetransmit;
      const boundMs = t.ackTimeoutMs * t.ackRandomFactor * (2 ** (t.maxRetransmit + 1) - 1) + 5000;
      const times = await withObservation(ctx.lwm2m, '/3/0/9', ['pmax=1'], (o) => withheldTransmissions(ctx, o.coap.request.token, lastGapMaxMs + lateToleranceMs(lastGapMaxMs), boundMs));
      const gaps = times.slice(1).map((x, i) => x - times[i]!);
      ctx.log(`transmissions at ${times.map((x) => Math.round(x)).join(', ')} ms; gaps ${gaps.map((g) => Math.round(g)).join(', ')} ms`);
      ctx.expect.that(times.length === t.maxRetransmit + 1, { check: 'MAX_RETRANSMIT', expected: `${t.maxRetransmit + 1} transmissions of the unacknowledged CON (1 + MAX_RETRANSMIT ${t.maxRetransmit})`, actual: `${times.length}` });
      gaps.forEach((gap, i) => {
        const low = t.ackTimeoutMs * 2 ** i;
        const high = low * t.ackRandomFactor;
        ctx.expect.timing(`gap ${i + 1} (before retransmission ${i + 1})`, gap, { minMs: Math.floor(low - earlyToleranceMs(low)), maxMs: Math.ceil(high + lateToleranceMs(high)) });
      });
    },
  });
});
