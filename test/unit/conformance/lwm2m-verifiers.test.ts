/**
 * The LwM2M/CoAP verifiers against real answers: the harness's LwM2M server and the simulated
 * client over loopback UDP, healthy and with fault profiles, so each check is seen to pass on a
 * conforming answer and to fail, quoting the answer, on a broken one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ContentFormat } from '../../../src/codec/coap/content-format.ts';
import type { Lwm2mRecord } from '../../../src/codec/lwm2m/types.ts';
import { Lwm2mServer } from '../../../src/client/lwm2m-server.ts';
import { coapCode, describeAnswer, tokenEchoed } from '../../../src/conformance/verifiers/coap-verifiers.ts';
import { linkSet, lwm2mContent, lwm2mTypes, lwm2mValue, sameValue, timing } from '../../../src/conformance/verifiers/lwm2m-verifiers.ts';
import { startLwm2mClientSimulator, type RunningLwm2mClient } from '../../../src/simulator/lwm2m-client/index.ts';
import { assertionFailure } from './helpers/assertion-failure.ts';

const scope = { caseId: 'LWM2M-TEST-001', spec: 'lwm2m-digest §5', smpVersions: undefined };
let server: Lwm2mServer | undefined;
let sim: RunningLwm2mClient | undefined;

afterEach(async () => {
  await sim?.stop();
  await server?.close();
  sim = undefined;
  server = undefined;
});

async function client(faults: string[] = [], version: '1.0' | '1.1' = '1.1'): Promise<{ s: Lwm2mServer; ep: string }> {
  server = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 });
  sim = await startLwm2mClientSimulator({ server: { host: '127.0.0.1', port: server.address().port }, version, endpoint: 'verifiers', faults });
  await server.waitForRegistration('verifiers', 5000);
  return { s: server, ep: 'verifiers' };
}

describe('coapCode and tokenEchoed', () => {
  it('accept a listed code, and fail with Expected one of / Actual quoting code, options and payload', async () => {
    const { s, ep } = await client();
    const read = await s.read(ep, '/3/0/0', { accept: ContentFormat.TEXT_PLAIN });
    expect(coapCode(scope, read, ['4.04', '2.05'])).toBe('2.05');
    const e = assertionFailure(() => coapCode(scope, read, ['4.04', '4.05']));
    expect(e.message).toContain('Expected one of:\n    - 4.04 Not Found\n    - 4.05 Method Not Allowed');
    expect(e.message).toContain('2.05 Content (piggybacked in the ACK)');
    expect(e.message).toContain('Content-Format=0');
    expect(e.message).toContain('5a 65 70 68 79 72'); // "Zephyr"
    expect(e.details.caseId).toBe('LWM2M-TEST-001');
    tokenEchoed(scope, read);
  });

  it('tokenEchoed fails when the client flips a token byte', async () => {
    const { s, ep } = await client(['lwm2m-wrong-token']);
    const read = await s.read(ep, '/3/0/0', { accept: ContentFormat.TEXT_PLAIN });
    expect(assertionFailure(() => tokenEchoed(scope, read)).details.check).toBe('token');
  });
});

describe('lwm2mContent', () => {
  it('returns the decoded records of a conforming 2.05', async () => {
    const { s, ep } = await client();
    const records = lwm2mContent(scope, await s.read(ep, '/3/0'));
    expect(records.some((r) => r.path.join('/') === '3/0/0')).toBe(true);
  });

  it('names the rule when the Content-Format is missing and quotes the bytes', async () => {
    const { s, ep } = await client(['lwm2m-no-content-format']);
    const read = await s.read(ep, '/3/0/0', { accept: ContentFormat.TEXT_PLAIN });
    const e = assertionFailure(() => lwm2mContent(scope, read));
    expect(e.details.expected[0]).toMatch(/carries its Content-Format/);
    expect(e.details.frame).toBe('5a 65 70 68 79 72');
  });

  it('says where the payload stops decoding when a TLV length is wrong', async () => {
    const { s, ep } = await client(['lwm2m-tlv-length-off-by-one'], '1.0');
    const read = await s.read(ep, '/3/0', { accept: ContentFormat.LWM2M_TLV });
    const e = assertionFailure(() => lwm2mContent(scope, read));
    expect(e.details.check).toBe('payload');
    expect(e.details.actual).toMatch(/ at \d+ \((incomplete|invalid)\)/);
    expect(describeAnswer(read)).toContain('Content-Format=11542');
  });
});

const rec = (path: number[], value: Lwm2mRecord['value']): Lwm2mRecord => ({ path, value });

describe('lwm2mTypes and lwm2mValue', () => {
  const notes: string[] = [];
  const evidence = { note: (m: string) => notes.push(m) };

  it('accept values typed as their definitions, integer kinds interchangeable where formats merge them', () => {
    lwm2mTypes(scope, evidence, [rec([3, 0, 0], { type: 'string', value: 'Zephyr' }), rec([3, 0, 13], { type: 'integer', value: 5n }), rec([3, 0, 7, 0], { type: 'integer', value: 3800n })]);
  });

  it('fail on a wrong type or a single resource at a resource-instance path, naming the resource', () => {
    expect(assertionFailure(() => lwm2mTypes(scope, evidence, [rec([3, 0, 9], { type: 'string', value: '95' })])).details.actual).toBe('/3/0/9 (Battery Level) is integer, the value is string');
    expect(assertionFailure(() => lwm2mTypes(scope, evidence, [rec([3, 0, 0, 0], { type: 'string', value: 'x' })])).details.actual).toMatch(/single-instance/);
  });

  it('note resources the definitions do not know instead of failing', () => {
    lwm2mTypes(scope, evidence, [rec([3, 0, 9999], { type: 'string', value: 'x' })]);
    expect(notes.at(-1)).toContain('/3/0/9999');
  });

  it('compare values across integer kinds and to float precision', () => {
    expect(sameValue({ type: 'integer', value: 5n }, { type: 'unsigned', value: 5n })).toBe(true);
    expect(sameValue({ type: 'float', value: 23.5 }, { type: 'float', value: 23.500001 })).toBe(true);
    expect(sameValue({ type: 'string', value: 'a' }, { type: 'string', value: 'b' })).toBe(false);
    expect(assertionFailure(() => lwm2mValue(scope, [rec([1, 0, 3], { type: 'integer', value: 7n })], [1, 0, 3], { type: 'integer', value: 8n })).details.expected).toEqual(['integer 8']);
    expect(assertionFailure(() => lwm2mValue(scope, [], [1, 0, 3], { type: 'integer', value: 8n })).details.actual).toBe('records: none');
  });
});

describe('linkSet and timing', () => {
  it('compare link targets as sets: order free, missing and forbidden ones named', () => {
    const links = [{ target: '/3/0' }, { target: '/1/0' }];
    linkSet(scope, links, { present: ['/1/0', '/3/0'], absent: ['/0/0'] });
    const e = assertionFailure(() => linkSet(scope, links, { present: ['/5/0'], absent: ['/1/0'] }));
    expect(e.details.actual).toMatch(/^missing: <\/5\/0>; listed although it must not be: <\/1\/0>/);
  });

  it('keep the measurement and its deviation, failing outside the window', () => {
    const notes: string[] = [];
    expect(timing(scope, { note: (m) => notes.push(m) }, 'pmin', 2100, { minMs: 1700, maxMs: 4000 })).toBe(2100);
    expect(notes[0]).toBe('pmin: 2100 ms (window 1700..4000 ms, deviation 0 ms)');
    const e = assertionFailure(() => timing(scope, { note: (m) => notes.push(m) }, 'pmin', 120, { minMs: 1700, maxMs: 4000 }));
    expect(e.details.actual).toBe('120 ms (-1580 ms outside the window)');
    expect(notes[1]).toContain('deviation -1580 ms');
  });
});
