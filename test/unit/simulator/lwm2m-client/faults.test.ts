/**
 * Every LwM2M fault profile, shown on the wire: each check passes against a client with the
 * profile on and fails against a healthy one (so the check really tells the two apart). All
 * exchanges are real loopback UDP between the simulator and the test server.
 */
import { describe, expect, it } from 'vitest';
import { blockOption, observeOption, uriPath, uriQuery } from '../../../../src/codec/coap/access.ts';
import { decodeCoap, encodeCoap, type CoapMessage } from '../../../../src/codec/coap/message.ts';
import { decodeSenmlCbor, encodeSenmlCbor } from '../../../../src/codec/lwm2m/senml-cbor.ts';
import { compositeRequestRecords, lwm2mToSenml } from '../../../../src/codec/lwm2m/senml.ts';
import { CoapOption } from '../../../../src/codec/coap/options.ts';
import { encodeBlockValue } from '../../../../src/codec/coap/values.ts';
import { decodeTlv } from '../../../../src/codec/lwm2m/tlv.ts';
import { corruptImage, signMcubootImage } from '../../../../src/codec/image/index.ts';
import { LWM2M_FAULT_PROFILES } from '../../../../src/simulator/lwm2m-client/faults.ts';
import { startLwm2mClientSimulator, type Lwm2mClientSimulatorOptions, type RunningLwm2mClient } from '../../../../src/simulator/lwm2m-client/index.ts';
import { encodeCoapUnchecked, type RawOption } from '../../../../src/codec/coap/unchecked.ts';
import { hex, stringOption, TestServer, uintOption, type Received } from './test-server.ts';

type Check = (s: TestServer, sim: RunningLwm2mClient) => Promise<void>;
interface FaultCheck { check: Check; options?: Partial<Lwm2mClientSimulatorOptions>; timeoutMs?: number }

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const enc = (t: string): Uint8Array => new TextEncoder().encode(t);
const accept = (f: number) => uintOption(CoapOption.ACCEPT, f);
const cf = (f: number) => uintOption(CoapOption.CONTENT_FORMAT, f);
const query = (q: string) => stringOption(CoapOption.URI_QUERY, q);
const code = async (p: Promise<{ message: CoapMessage | undefined }>): Promise<string | undefined> => (await p).message?.code;
const seqOf = (m: CoapMessage | undefined): number | undefined => { const o = m === undefined ? undefined : observeOption(m); return o?.ok ? o.value : undefined; };
const notes = (s: TestServer, token: Uint8Array) => s.received.filter((r) => r.message?.code === '2.05' && r.message.type === 'CON' && hex(r.message.token) === hex(token));
const isRegister = (m: CoapMessage | undefined): boolean => m?.code === '0.02' && uriPath(m).join('/') === 'rd' && uriQuery(m).some((q) => q.startsWith('ep='));
const isUpdate = (m: CoapMessage | undefined): boolean => m?.code === '0.02' && !isRegister(m) && uriPath(m)[0] === 'rd';

async function observeWithPmax(s: TestServer, path: string, attrs: string[]): Promise<Uint8Array> {
  await s.request('0.03', path, { options: attrs.map(query) });
  const token = s.nextToken();
  await s.request('0.01', path, { token, options: [uintOption(CoapOption.OBSERVE, 0), accept(0)] });
  return token;
}

/** A CON GET /3/0/0 (Accept 0) as raw bytes, with one thing changed. */
let rawMid = 0x7100;
function getWith(change: { version?: number; token?: Uint8Array; extra?: RawOption[]; marker?: boolean }): Uint8Array {
  const path = ['3', '0', '0'].map((p, i) => ({ delta: i === 0 ? CoapOption.URI_PATH : 0, value: enc(p) }));
  return encodeCoapUnchecked({ type: 'CON', code: '0.01', messageId: rawMid++, token: change.token ?? Uint8Array.of(1, 2), options: [...path, { delta: CoapOption.ACCEPT - CoapOption.URI_PATH, value: new Uint8Array(0) }, ...(change.extra ?? [])], ...(change.version === undefined ? {} : { version: change.version }), ...(change.marker ? { marker: true } : {}) });
}

/** The client's first datagram with the message id of `bytes` (a format error gets an RST or nothing). */
async function rawAnswer(s: TestServer, bytes: Uint8Array): Promise<Received> {
  const since = s.received.length;
  s.sendRaw(bytes);
  return s.waitFor((r) => r.bytes.length >= 4 && r.bytes[2] === bytes[2] && r.bytes[3] === bytes[3], 600, since);
}

const CHECKS: Record<string, FaultCheck> = {
  'lwm2m-read-answers-changed': { check: async (s) => expect(await code(s.request('0.01', '/3/0/0', { options: [accept(0)] }))).toBe('2.04') },
  'lwm2m-ignores-accept': {
    check: async (s) => expect((await s.request('0.01', '/3/0/0', { options: [accept(0)] })).message!.options.find((o) => o.number === CoapOption.CONTENT_FORMAT)?.value).toEqual(Uint8Array.of(112)),
  },
  'lwm2m-tlv-length-off-by-one': {
    options: { version: '1.0' },
    check: async (s) => expect(decodeTlv((await s.request('0.01', '/3/0', { options: [accept(11542)] })).message!.payload).ok).toBe(false),
  },
  'lwm2m-no-update-before-expiry': {
    options: { lifetimeS: 2 },
    check: async (s) => { await sleep(1600); expect(s.received.some((r) => isUpdate(r.message))).toBe(false); },
  },
  'lwm2m-update-to-rd': {
    options: { lifetimeS: 2 },
    check: async (s) => expect((await s.waitFor((r) => r.message?.code === '0.02' && uriPath(r.message).join('/') === 'rd' && !isRegister(r.message), 1600)).message!.payload.length).toBe(0),
  },
  'lwm2m-duplicate-executed-twice': {
    options: { version: '1.0' },
    check: async (s) => {
      await s.request('0.04', '/3303/0');
      const create = s.build('0.02', '/3303', { options: [cf(11542)], payload: Uint8Array.of(0, 0) });
      const first = await s.exchange(create);
      const again = await s.exchange(create);
      expect(hex(again.bytes)).not.toBe(hex(first.bytes));
    },
  },
  'lwm2m-critical-option-ignored': { check: async (s) => expect(await code(s.request('0.01', '/3/0/0', { options: [accept(0), { number: CoapOption.IF_NONE_MATCH, value: new Uint8Array(0) }] }))).toBe('2.05') },
  'lwm2m-wrong-token': {
    check: async (s) => {
      const token = s.nextToken();
      expect(hex((await s.request('0.01', '/3/0/0', { token, options: [accept(0)] })).message!.token)).not.toBe(hex(token));
    },
  },
  'lwm2m-register-without-version': { check: async (s) => expect(uriQuery((await s.waitFor((r) => isRegister(r.message))).message!).some((q) => q.startsWith('lwm2m='))).toBe(false) },
  'lwm2m-bad-register-links': { check: async (s) => expect(text((await s.waitFor((r) => isRegister(r.message))).message!.payload).startsWith('<')).toBe(false) },
  'lwm2m-unknown-object-bad-request': { check: async (s) => expect(await code(s.request('0.01', '/9999/0'))).toBe('4.00') },
  'lwm2m-read-only-write-accepted': { check: async (s) => expect(await code(s.request('0.03', '/1/0/0', { options: [cf(0)], payload: enc('5') }))).toBe('2.04') },
  'lwm2m-notify-before-pmin': {
    check: async (s) => {
      const token = await observeWithPmax(s, '/1/0/3', ['pmin=2', 'pmax=30']);
      await s.request('0.03', '/1/0/3', { options: [cf(0)], payload: enc('9') });
      await sleep(700);
      expect(notes(s, token).length).toBe(1);
    },
  },
  'lwm2m-observe-seq-stuck': {
    timeoutMs: 10_000,
    check: async (s) => {
      const token = await observeWithPmax(s, '/3/0/9', ['pmax=1']);
      await sleep(2300);
      expect(notes(s, token).map((n) => seqOf(n.message))).toEqual([1, 1]);
    },
  },
  'lwm2m-no-content-format': { check: async (s) => expect((await s.request('0.01', '/3/0/0', { options: [accept(0)] })).message!.options.some((o) => o.number === CoapOption.CONTENT_FORMAT)).toBe(false) },
  'lwm2m-execute-anything': { check: async (s) => expect(await code(s.request('0.02', '/3/0/0'))).toBe('2.04') },
  'lwm2m-execute-not-found': { check: async (s) => expect(await code(s.request('0.02', '/3/0/0'))).toBe('4.04') },
  'lwm2m-empty-payload-marker': {
    check: async (s) => {
      const request = s.build('0.01', '/3/0/14', { options: [accept(0)] });
      s.sendRaw(request);
      const rsp = await s.waitFor((r) => r.bytes[2] === request[2] && r.bytes[3] === request[3], 1000);
      expect(rsp.bytes.at(-1)).toBe(0xff);
      expect(decodeCoap(rsp.bytes).ok).toBe(false);
    },
  },
  'lwm2m-unsupported-format-accepted': { check: async (s) => expect(await code(s.request('0.03', '/1/0/1', { options: [cf(11542)], payload: Uint8Array.of(0xc1, 1, 60) }))).toBe('2.04') },
  'lwm2m-no-reregister-after-404': {
    options: { lifetimeS: 2 },
    timeoutMs: 10_000,
    check: async (s) => {
      s.reply = (m) => (isUpdate(m) ? { code: '4.04' } : undefined);
      await sleep(2600);
      expect(s.received.filter((r) => isUpdate(r.message)).length).toBeGreaterThanOrEqual(2);
      expect(s.received.filter((r) => isRegister(r.message)).length).toBe(1);
    },
  },
  'lwm2m-block1-no-continue': {
    check: async (s) => {
      const options = [cf(42), { number: CoapOption.BLOCK1, value: encodeBlockValue({ num: 0, more: true, szx: 2 }) }];
      expect(await code(s.request('0.03', '/5/0/0', { options, payload: new Uint8Array(64).fill(7) }))).toBe('2.04');
    },
  },
  'lwm2m-fw-update-any-state': { check: async (s) => expect(await code(s.request('0.02', '/5/0/2'))).toBe('2.04') },
  'lwm2m-cancel-ignored': {
    timeoutMs: 10_000,
    check: async (s) => {
      const token = await observeWithPmax(s, '/3/0/9', ['pmax=1']);
      await s.request('0.01', '/3/0/9', { token, options: [uintOption(CoapOption.OBSERVE, 1), accept(0)] });
      await sleep(1400);
      expect(notes(s, token).length).toBeGreaterThan(0);
    },
  },
  'lwm2m-ignores-non': {
    check: async (s) => {
      const request = s.build('0.01', '/3/0/0', { options: [accept(0)] });
      request[0] = (request[0]! & 0xcf) | 0x10;
      s.sendRaw(request);
      await expect(s.waitFor((r) => r.message?.type === 'NON' && r.message.code === '2.05', 500)).rejects.toThrow();
    },
  },
  'lwm2m-observe-empty-token-5-00': {
    check: async (s) => expect(await code(s.request('0.01', '/3/0/9', { token: new Uint8Array(0), options: [uintOption(CoapOption.OBSERVE, 0)] }))).toBe('5.00'),
  },
  'lwm2m-discover-without-attributes': {
    check: async (s) => {
      await s.request('0.03', '/3/0/13', { options: [query('pmin=1')] });
      expect(text((await s.request('0.01', '/3/0', { options: [accept(40)] })).message!.payload)).not.toContain('pmin=1');
    },
  },
  'lwm2m-fw-corrupt-accepted': {
    check: async (s) => {
      const bad = corruptImage(signed(256), 'flipped-payload-byte');
      if (!bad.ok) throw new Error(bad.error);
      await s.request('0.03', '/5/0/0', { options: [cf(42)], payload: bad.value.bytes });
      expect(await fwText(s, '/5/0/3')).toBe('2');
    },
  },
  'lwm2m-fw-state-skips-downloading': {
    check: async (s) => {
      await s.request('0.03', '/5/0/0', { options: [cf(42), block1(0, true, 2)], payload: new Uint8Array(64) });
      expect(await fwText(s, '/5/0/3')).toBe('0');
    },
  },
  'lwm2m-fw-no-block-negotiation': { check: async (s) => expect(await code(s.request('0.03', '/5/0/0', { options: [cf(42), block1(0, true, 6)], payload: new Uint8Array(1024) }))).toBe('2.31') },
  'lwm2m-fw-cancel-ignored': {
    check: async (s) => {
      await s.request('0.03', '/5/0/0', { options: [cf(42)], payload: Uint8Array.of(1, 2, 3) });
      await s.request('0.03', '/5/0/0', { options: [cf(42)], payload: new Uint8Array(0) });
      expect(await fwText(s, '/5/0/3')).toBe('2');
    },
  },
  'lwm2m-fw-pull-unsupported-but-advertised': {
    check: async (s) => {
      await s.request('0.03', '/5/0/1', { options: [cf(0)], payload: enc(`coap://127.0.0.1:${s.port}/fw`) });
      expect(await fwText(s, '/5/0/5')).toBe('9');
    },
  },
  'lwm2m-fw-protocol-support-wrong': { check: async (s) => expect(await fwText(s, '/5/0/8/0')).toBe('2') },
  'lwm2m-fw-interrupted-stuck': {
    check: async (s) => {
      await s.request('0.03', '/5/0/0', { options: [cf(42), block1(0, true, 2)], payload: new Uint8Array(64) });
      expect(await code(s.request('0.03', '/5/0/0', { options: [cf(42)], payload: Uint8Array.of(1, 2, 3) }))).toBe('4.05');
    },
  },
  'lwm2m-fw-update-no-reboot': {
    check: async (s) => {
      await s.request('0.03', '/5/0/0', { options: [cf(42)], payload: Uint8Array.of(1, 2, 3) });
      await s.request('0.02', '/5/0/2');
      await sleep(500);
      expect(await fwText(s, '/5/0/5')).toBe('1');
      expect(s.received.filter((r) => isRegister(r.message)).length).toBe(1);
    },
  },
  'lwm2m-notify-after-pmax': {
    check: async (s) => {
      const token = await observeWithPmax(s, '/3/0/9', ['pmax=1']);
      await sleep(1600);
      expect(notes(s, token).length).toBe(0);
    },
  },
  'lwm2m-notify-ignores-value-attributes': {
    check: async (s) => {
      await s.request('0.03', '/1/0/3', { options: [cf(0)], payload: enc('40') });
      const token = await observeWithPmax(s, '/1/0/3', ['gt=50', 'pmax=60']);
      await s.request('0.03', '/1/0/3', { options: [cf(0)], payload: enc('45') });
      await sleep(400);
      expect(notes(s, token).length).toBe(1);
    },
  },
  'lwm2m-con-retransmit-too-fast': {
    options: { timing: { ackTimeoutMs: 100 } },
    check: async (s) => {
      const times = await withheldUpdate(s, 1300);
      expect(times.length).toBeGreaterThanOrEqual(4);
      expect(times[3]! - times[0]!).toBeLessThan(550);
    },
  },
  'lwm2m-con-no-retransmit': {
    options: { timing: { ackTimeoutMs: 100 } },
    check: async (s) => expect((await withheldUpdate(s, 1300)).length).toBe(1),
  },
  'lwm2m-unknown-version-answered': { check: async (s) => expect((await rawAnswer(s, getWith({ version: 2 }))).message?.code).toBe('2.05') },
  'lwm2m-long-token-answered': { check: async (s) => expect((await rawAnswer(s, getWith({ token: new Uint8Array(12).fill(7) }))).message?.code).toBe('2.05') },
  'lwm2m-reserved-nibble-skipped': { check: async (s) => expect((await rawAnswer(s, getWith({ extra: [{ delta: 0, value: new Uint8Array(0), deltaNibble: 15, lengthNibble: 1 }] }))).message?.code).toBe('2.05') },
  'lwm2m-empty-marker-accepted': { check: async (s) => expect((await rawAnswer(s, getWith({ marker: true }))).message?.code).toBe('2.05') },
  'lwm2m-truncated-option-skipped': { check: async (s) => expect((await rawAnswer(s, getWith({ extra: [{ delta: 100, value: Uint8Array.of(1), claimedLength: 5 }] }))).message?.code).toBe('2.05') },
  'lwm2m-long-path-served': { check: async (s) => expect(await code(s.request('0.01', '/3/0/11/0/7'))).toBe('2.05') },
  'lwm2m-slow-register': {
    check: async (s) => expect((await s.waitFor((r) => isRegister(r.message))).atMs - s.openedAtMs).toBeGreaterThan(3500),
  },
  'lwm2m-block-out-of-order-accepted': { check: async (s) => expect(await code(s.request('0.03', '/5/0/0', { options: [cf(42), block1(2, true, 2)], payload: new Uint8Array(64) }))).toBe('2.31') },
  'lwm2m-block1-continue-own-szx': {
    check: async (s) => {
      const answer = (await s.request('0.03', '/5/0/0', { options: [cf(42), block1(0, true, 2)], payload: new Uint8Array(64) })).message;
      const b = answer === undefined ? undefined : blockOption(answer, CoapOption.BLOCK1);
      expect([answer?.code, b?.ok === true ? b.value.szx : undefined]).toEqual(['2.31', 5]);
    },
  },
  'lwm2m-fw-blob-size-unchecked': {
    options: { packageCheck: 'blob' },
    check: async (s) => {
      await s.request('0.03', '/5/0/0', { options: [cf(42), block1(0, false, 2), uintOption(CoapOption.SIZE1, 100)], payload: new Uint8Array(64) });
      expect(await fwText(s, '/5/0/3')).toBe('2');
    },
  },
  'lwm2m-unknown-resource-empty-content': { check: async (s) => expect(await code(s.request('0.01', '/3/0/9999'))).toBe('2.05') },
  'lwm2m-read-executable-answered': { check: async (s) => expect(await code(s.request('0.01', '/3/0/4'))).toBe('2.05') },
  'lwm2m-resource-instance-read-refused': { check: async (s) => expect(await code(s.request('0.01', '/3/0/11/0'))).toBe('4.00') },
  'lwm2m-security-write-attributes-accepted': { check: async (s) => expect(await code(s.request('0.03', '/0', { options: [query('pmin=10')] }))).toBe('2.04') },
  'lwm2m-period-write-not-stored': {
    check: async (s) => {
      expect(await code(s.request('0.03', '/1/0/3', { options: [cf(0)], payload: enc('77') }))).toBe('2.04');
      expect(await fwText(s, '/1/0/3')).not.toBe('77');
    },
  },
  'lwm2m-partial-write-first-only': {
    check: async (s) => {
      await s.request('0.02', '/1/0', { options: [cf(112)], payload: senml([[1, 0, 2], 3n], [[1, 0, 3], 45n]) });
      expect(await fwText(s, '/1/0/3')).not.toBe('45');
    },
  },
  'lwm2m-bad-text-accepted': { check: async (s) => expect(await code(s.request('0.03', '/1/0/3', { options: [cf(0)], payload: enc('not-a-number') }))).toBe('2.04') },
  'lwm2m-update-trigger-refused': { check: async (s) => expect(await code(s.request('0.02', '/1/0/8'))).toBe('4.05') },
  'lwm2m-discover-no-dim': { check: async (s) => expect(text((await s.request('0.01', '/3/0', { options: [accept(40)] })).message!.payload)).not.toContain('dim=') },
  'lwm2m-value-attributes-any-type': { check: async (s) => expect(await code(s.request('0.03', '/3/0/0', { options: [query('gt=5')] }))).toBe('2.04') },
  'lwm2m-delete-keeps-instance': {
    check: async (s) => {
      expect(await code(s.request('0.04', '/3303/0'))).toBe('2.02');
      expect(await code(s.request('0.01', '/3303/0'))).toBe('2.05');
    },
  },
  'lwm2m-create-no-location': {
    options: { version: '1.0' },
    check: async (s) => {
      await s.request('0.04', '/3303/0');
      const created = (await s.request('0.02', '/3303', { options: [cf(11542)] })).message!;
      expect([created.code, created.options.some((o) => o.number === CoapOption.LOCATION_PATH)]).toEqual(['2.01', false]);
    },
  },
  'lwm2m-create-single-instance-accepted': { options: { version: '1.0' }, check: async (s) => expect(await code(s.request('0.02', '/3', { options: [cf(11542)] }))).toBe('2.01') },
  'lwm2m-delete-mandatory-acknowledged': { check: async (s) => expect(await code(s.request('0.04', '/3/0'))).toBe('2.02') },
  'lwm2m-composite-read-first-object-only': {
    check: async (s) => {
      const answer = (await s.request('0.05', '/', { options: [cf(112)], payload: encodeSenmlCbor(compositeRequestRecords([[3, 0, 0], [1, 0, 1]])) })).message!;
      const names = decodeSenmlCbor(answer.payload);
      expect(names.ok && names.value.map((r) => `${r.bn ?? ''}${r.n ?? ''}`).join(' ')).toBe('/3/0/0');
    },
  },
  'lwm2m-composite-read-absent-refused': {
    check: async (s) => expect(await code(s.request('0.05', '/', { options: [cf(112)], payload: encodeSenmlCbor(compositeRequestRecords([[3, 0, 0], [3339, 0, 5522]])) }))).toBe('4.04'),
  },
  'lwm2m-composite-write-first-only': {
    check: async (s) => {
      expect(await code(s.request('0.07', '/', { options: [cf(112)], payload: senml([[1, 0, 2], 4n], [[1, 0, 3], 44n]) }))).toBe('2.04');
      expect(await fwText(s, '/1/0/3')).not.toBe('44');
    },
  },
  'lwm2m-ping-answered-bad-request': {
    check: async (s) => {
      const pong = (await s.exchange(encodeCoap({ type: 'CON', code: '0.00', messageId: s.nextMid(), token: new Uint8Array(0), options: [], payload: new Uint8Array(0) }))).message;
      expect([pong?.type, pong?.code]).toEqual(['ACK', '4.00']);
    },
  },
  'lwm2m-foreign-accept-default': { check: async (s) => expect(await code(s.request('0.01', '/3/0', { options: [accept(50)] }))).toBe('2.05') },
  'lwm2m-register-device-without-instance': { check: async (s) => expect(text((await s.waitFor((r) => isRegister(r.message))).message!.payload)).not.toContain('</3/0>') },
  'lwm2m-register-binding-1.1-letters': { options: { version: '1.0' }, check: async (s) => expect(uriQuery((await s.waitFor((r) => isRegister(r.message))).message!)).toContain('b=UN') },
  'lwm2m-disable-without-deregister': {
    check: async (s) => {
      await s.request('0.03', '/1/0/5', { options: [cf(0)], payload: enc('1') });
      await s.request('0.02', '/1/0/4');
      await sleep(400);
      expect(s.received.some((r) => r.message?.code === '0.04')).toBe(false);
    },
  },
  'lwm2m-lifetime-write-no-update': {
    check: async (s) => {
      await s.request('0.03', '/1/0/1', { options: [cf(0)], payload: enc('120') });
      await sleep(700);
      expect(s.received.some((r) => isUpdate(r.message))).toBe(false);
    },
  },
  'lwm2m-send-values-as-strings': {
    check: async (s, sim) => {
      await sim.send(['/3/0/9']);
      const sent = decodeSenmlCbor((await s.waitFor((r) => r.message?.code === '0.02' && uriPath(r.message).join('/') === 'dp')).message!.payload);
      expect(sent.ok && sent.value[0]?.vs).toBeTypeOf('string');
    },
  },
  'lwm2m-fw-reset-refused-when-idle': { check: async (s) => expect(await code(s.request('0.03', '/5/0/0', { options: [cf(42)] }))).toBe('4.00') },
  'lwm2m-observe-first-without-option': {
    check: async (s) => expect(seqOf((await s.request('0.01', '/3/0/9', { options: [uintOption(CoapOption.OBSERVE, 0)] })).message)).toBeUndefined(),
  },
  'lwm2m-text-number-newline': { check: async (s) => expect(await fwText(s, '/3/0/9')).toMatch(/^\d+\n$/) },
  'lwm2m-hierarchical-int-16-bit': {
    check: async (s) => {
      await s.request('0.03', '/1/0/3', { options: [cf(112)], payload: senml([[1, 0, 3], 70_000n]) });
      expect(await fwText(s, '/1/0/3')).toBe(String(70_000 - 65_536));
    },
  },
  'lwm2m-default-format-mislabelled': {
    check: async (s) => expect((await s.request('0.01', '/1/0')).message!.options.find((o) => o.number === CoapOption.CONTENT_FORMAT)?.value).toEqual(Uint8Array.of(50)),
  },
};

/** A SenML CBOR payload of integer values. */
function senml(...values: [number[], bigint][]): Uint8Array {
  return encodeSenmlCbor(lwm2mToSenml(values.map(([path, value]) => ({ path, value: { type: 'integer' as const, value } }))));
}

/** A signed MCUboot image around `payloadBytes` bytes. */
function signed(payloadBytes: number): Uint8Array {
  const image = signMcubootImage({ payload: new Uint8Array(payloadBytes).fill(5), version: { major: 1, minor: 0, revision: 0, build: 0 } });
  if (!image.ok) throw new Error(image.error);
  return image.value;
}

const block1 = (num: number, more: boolean, szx: number) => ({ number: CoapOption.BLOCK1, value: encodeBlockValue({ num, more, szx }) });
const fwText = async (s: TestServer, path: string): Promise<string> => text((await s.request('0.01', path, { options: [accept(0)] })).message!.payload);

/** Leave the client's Updates unanswered, trigger one, and return the arrival times (ms) of its transmissions within `watchMs`. */
async function withheldUpdate(s: TestServer, watchMs: number): Promise<number[]> {
  s.reply = (m) => (isUpdate(m) ? 'silent' : undefined);
  const since = s.received.length;
  await s.request('0.02', '/1/0/8');
  await sleep(watchMs);
  const updates = s.received.slice(since).filter((r) => isUpdate(r.message));
  const mid = updates[0]?.message?.messageId;
  return updates.filter((r) => r.message?.messageId === mid).map((r) => r.atMs);
}

describe('LwM2M fault profiles on the wire', () => {
  it('has a wire check for every profile, and at least 15 profiles', () => {
    // Bootstrap profiles need a bootstrap server; bootstrap-faults.test.ts checks them the same way.
    // DTLS profiles need a DTLS server; dtls.test.ts checks them the same way.
    expect(Object.keys(CHECKS).sort()).toEqual(LWM2M_FAULT_PROFILES.map((p) => p.name).filter((n) => !n.startsWith('lwm2m-bs-') && !n.startsWith('lwm2m-dtls-')).sort());
    expect(LWM2M_FAULT_PROFILES.length).toBeGreaterThanOrEqual(15);
  });

  for (const [name, { check, options, timeoutMs }] of Object.entries(CHECKS)) {
    it(`${name}: effect visible on the wire; the same exchange conforms without it`, async () => {
      for (const faults of [[name], []]) {
        const server = await TestServer.open();
        const sim = await startLwm2mClientSimulator({ server: server.uri, registerRetryMs: 200, ...options, faults });
        try {
          await server.waitFor((r) => isRegister(r.message));
          await sleep(20);
          if (faults.length > 0) await check(server, sim);
          else await expect(check(server, sim)).rejects.toThrow();
        } finally {
          await sim.stop();
          await server.close();
        }
      }
    }, timeoutMs ?? 8000);
  }
});
