/**
 * The LwM2M server's registration interface over real loopback UDP: hand-built Register/Update/
 * De-register datagrams (validation, duplicates, queue mode, alternate root, address re-mapping)
 * and the simulated client (Update before lifetime expiry, expiry, 4.04 then re-register,
 * reboot, a client that never registers).
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { locationPath, uriPath, uriQueryOptions, uintOptionValue } from '../../../src/codec/coap/access.ts';
import { decodeCoap, encodeCoap, type CoapMessage } from '../../../src/codec/coap/message.ts';
import { CoapOption } from '../../../src/codec/coap/options.ts';
import { encodeStringValue } from '../../../src/codec/coap/values.ts';
import { Lwm2mServer, parseListenUri, type Lwm2mServerEvent } from '../../../src/client/lwm2m-server.ts';
import { listenBind } from '../../../src/client/lwm2m/listen-uri.ts';
import { ConnectionStringError, RegistrationTimeoutError } from '../../../src/errors.ts';
import { startLwm2mClientSimulator, type RunningLwm2mClient } from '../../../src/simulator/lwm2m-client/index.ts';

let server: Lwm2mServer | undefined;
const sims: RunningLwm2mClient[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
  for (const s of sockets.splice(0)) s.close();
  await server?.close();
  server = undefined;
});

async function open(): Promise<Lwm2mServer> {
  server = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 });
  return server;
}

async function simulate(s: Lwm2mServer, options: Partial<Parameters<typeof startLwm2mClientSimulator>[0]> = {}): Promise<RunningLwm2mClient> {
  const sim = await startLwm2mClientSimulator({ server: { host: '127.0.0.1', port: s.address().port }, updateDelayMs: 20, ...options });
  sims.push(sim);
  return sim;
}

/** A bare UDP peer that sends hand-built CoAP messages and collects the answers. */
interface RawPeer {
  send: (m: CoapMessage) => Promise<CoapMessage>;
  sendBytes: (b: Uint8Array) => Promise<CoapMessage>;
  /** The next message the server sends on its own (a request to the client). */
  receive: () => Promise<CoapMessage>;
  /** Send without waiting for an answer (an ACK). */
  post: (m: CoapMessage) => void;
}

async function rawPeer(s: Lwm2mServer): Promise<RawPeer> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const waiting: ((m: CoapMessage) => void)[] = [];
  socket.on('message', (msg) => {
    const decoded = decodeCoap(new Uint8Array(msg));
    if (decoded.ok) waiting.shift()?.(decoded.value);
  });
  const sendBytes = (bytes: Uint8Array): Promise<CoapMessage> => new Promise((resolve) => {
    waiting.push(resolve);
    socket.send(bytes, s.address().port, '127.0.0.1');
  });
  const receive = (): Promise<CoapMessage> => new Promise((resolve) => void waiting.push(resolve));
  return { sendBytes, receive, send: (m) => sendBytes(encodeCoap(m)), post: (m) => socket.send(encodeCoap(m), s.address().port, '127.0.0.1') };
}

let mid = 0x2000;
const text = (t: string): Uint8Array => new TextEncoder().encode(t);
function post(path: string[], query: string[], payload = '', type: CoapMessage['type'] = 'CON', code = '0.02'): CoapMessage {
  const options = [...path.map((p) => ({ number: CoapOption.URI_PATH, value: encodeStringValue(p) })), ...uriQueryOptions(query)];
  if (payload !== '') options.push(uintOptionValue(CoapOption.CONTENT_FORMAT, 40));
  options.sort((a, b) => a.number - b.number);
  return { type, code, messageId: mid++, token: Uint8Array.of(1, 2, 3, mid & 0xff), options, payload: text(payload) };
}

const isEvent = <K extends Lwm2mServerEvent['kind']>(kind: K, endpoint?: string) =>
  (e: Lwm2mServerEvent): e is Extract<Lwm2mServerEvent, { kind: K }> => e.kind === kind && (endpoint === undefined || !('registration' in e) || e.registration.endpoint === endpoint);

describe('Lwm2mServer registration interface (hand-built messages)', () => {
  it('answers Register with 2.01 rd/<id>, Update 2.04, De-register 2.02, unknown ids 4.04', async () => {
    const s = await open();
    const peer = await rawPeer(s);
    const created = await peer.send(post(['rd'], ['ep=raw', 'lt=60', 'lwm2m=1.1', 'b=U', 'Q'], '</lwm2m>;rt="oma.lwm2m";ct="60 110",</lwm2m/1/0>,</lwm2m/3>;ver=1.1,</lwm2m/3/0>'));
    expect(created.code).toBe('2.01');
    const location = locationPath(created);
    const r = s.registration('raw')!;
    expect(location).toEqual(['rd', r.id]);
    expect(r).toMatchObject({ lifetimeS: 60, lwm2mVersion: '1.1', binding: 'U', queueMode: true });
    expect(r.content.rootPath).toBe('/lwm2m');
    expect(r.content.contentFormats).toEqual([60, 110]);
    expect(r.content.objects).toEqual([{ objectId: 1, instances: [0] }, { objectId: 3, version: '1.1', instances: [0] }]);
    // Requests go below the alternate root.
    const incoming = peer.receive();
    const reading = s.read('raw', '/3/0/0', { accept: 0 });
    const get = await incoming;
    expect(uriPath(get)).toEqual(['lwm2m', '3', '0', '0']);
    expect(get.token.length).toBeGreaterThanOrEqual(4);
    const answer: CoapMessage = { type: 'ACK', code: '2.05', messageId: get.messageId, token: get.token, options: [uintOptionValue(CoapOption.CONTENT_FORMAT, 0)], payload: text('Acme') };
    peer.post(answer);
    expect((await reading).decoded).toEqual({ ok: true, value: [{ path: [3, 0, 0], value: { type: 'string', value: 'Acme' } }] });
    expect((await peer.send(post(location, ['lt=120']))).code).toBe('2.04');
    expect(r.lifetimeS).toBe(120);
    expect(r.updates).toBe(1);
    expect((await peer.send(post(['rd', 'nope'], []))).code).toBe('4.04');
    expect((await peer.send(post(location, [], '', 'CON', '0.04'))).code).toBe('2.02');
    expect(r.ended).toBe('deregistered');
    expect((await peer.send(post(location, []))).code).toBe('4.04');
    expect(s.history.map((h) => `${h.kind} ${h.answered}`)).toEqual(['register 2.01', 'update 2.04', 'update 4.04', 'deregister 2.02', 'update 4.04']);
    expect(s.findings.map((f) => f.kind)).toEqual(['unknown-registration', 'unknown-registration']);
  });

  it('refuses bad Registers with 4.00 (4.12 for an unknown version) and records why', async () => {
    const s = await open();
    const peer = await rawPeer(s);
    const links = '</1/0>,</3/0>';
    expect((await peer.send(post(['rd'], ['lt=60', 'lwm2m=1.1'], links))).code).toBe('4.00');
    expect((await peer.send(post(['rd'], ['ep=x', 'lt=abc', 'lwm2m=1.1'], links))).code).toBe('4.00');
    expect((await peer.send(post(['rd'], ['ep=x', 'lt=0', 'lwm2m=1.1'], links))).code).toBe('4.00');
    expect((await peer.send(post(['rd'], ['ep=x', 'lwm2m=1.1'], '/1/0>'))).code).toBe('4.00');
    expect((await peer.send(post(['rd'], ['ep=x', 'lwm2m=1.1']))).code).toBe('4.00');
    expect((await peer.send(post(['rd'], ['ep=x', 'lwm2m=9.9'], links))).code).toBe('4.12');
    expect(s.registration('x')).toBeUndefined();
    expect(s.findings.map((f) => f.kind)).toEqual(['missing-endpoint', 'bad-query', 'bad-query', 'bad-payload', 'bad-payload', 'unsupported-version']);
    expect(s.history.every((h) => h.kind === 'register' && h.bytes !== undefined && h.answered !== '2.01')).toBe(true);
    // Accepted with findings: queue mode the 1.0 way, an unknown parameter, the Security object listed.
    expect((await peer.send(post(['rd'], ['ep=y', 'lwm2m=1.0', 'b=UQ', 'foo=1'], '</0/0>,</1/0>'))).code).toBe('2.01');
    expect(s.registration('y')).toMatchObject({ queueMode: true, lifetimeS: 86_400, lifetimeGiven: false, unknownQuery: ['foo=1'] });
    expect(s.findings.slice(6).map((f) => f.kind)).toEqual(['unknown-query', 'security-object-listed']);
  });

  it('answers a duplicate Register (same MID) once, with the same reply, and keeps one registration', async () => {
    const s = await open();
    const peer = await rawPeer(s);
    const bytes = encodeCoap(post(['rd'], ['ep=dup', 'lt=60', 'lwm2m=1.1'], '</1/0>'));
    const first = await peer.sendBytes(bytes);
    const again = await peer.sendBytes(bytes);
    expect(first.code).toBe('2.01');
    expect(encodeCoap(again)).toEqual(encodeCoap(first));
    expect(s.registerCount('dup')).toBe(1);
    expect(s.history.filter((h) => h.kind === 'register')).toHaveLength(1);
    expect(s.coap.duplicatesReceived).toBe(1);
  });

  it('keeps a registration whose lifetime is beyond the timer range', async () => {
    const s = await open();
    const peer = await rawPeer(s);
    expect((await peer.send(post(['rd'], ['ep=long', 'lt=4000000000', 'lwm2m=1.1'], '</1/0>'))).code).toBe('2.01');
    await new Promise((r) => setTimeout(r, 100));
    expect(s.registration('long')?.lifetimeS).toBe(4_000_000_000);
    expect(s.history.map((h) => h.kind)).toEqual(['register']);
  });

  it('re-maps the client address on an Update from a new port, and takes a new object list', async () => {
    const s = await open();
    const [a, b] = [await rawPeer(s), await rawPeer(s)];
    const location = locationPath(await a.send(post(['rd'], ['ep=nat', 'lt=60', 'lwm2m=1.1'], '</1/0>,</3/0>')));
    const before = s.registration('nat')!.peer.port;
    const remapped = s.waitForEvent(isEvent('updated', 'nat'), 2000, 'nat', 'update');
    expect((await b.send(post(location, [], '</1/0>,</3/0>,</3303/0>'))).code).toBe('2.04');
    expect((await remapped).remapped).toBe(true);
    const r = s.registration('nat')!;
    expect(r.peer.port).not.toBe(before);
    expect(r.content.objects.map((o) => o.objectId)).toEqual([1, 3, 3303]);
  });
});

describe('Lwm2mServer registration with the simulated client', () => {
  it('rejects waitForRegistration in the stated time when the endpoint never registers', async () => {
    const s = await open();
    const other = simulate(s, { endpoint: 'someone-else', version: '1.1' });
    const started = Date.now();
    const error = await s.waitForRegistration('ghost', 400).catch((e: unknown) => e);
    const waited = Date.now() - started;
    expect(error).toBeInstanceOf(RegistrationTimeoutError);
    expect((error as RegistrationTimeoutError).code).toBe('E_NO_REGISTRATION');
    expect((error as Error).message).toBe('no registration from ghost within 0.4 s');
    expect(waited).toBeGreaterThanOrEqual(395);
    expect(waited).toBeLessThan(2000);
    await other;
    expect(s.registration('someone-else')).toBeDefined();
  });

  it.each(['1.0', '1.1'] as const)('sees the Update before the lifetime runs out (%s, lt=2 s)', async (version) => {
    const s = await open();
    await simulate(s, { endpoint: `short-${version}`, version, lifetimeS: 2 });
    const r = await s.waitForRegistration(`short-${version}`, 3000);
    await s.waitForEvent(isEvent('updated', r.endpoint), 3000, r.endpoint, 'update');
    const [register, update] = s.history;
    expect(register?.kind).toBe('register');
    expect(update).toMatchObject({ kind: 'update', answered: '2.04', registrationId: r.id });
    expect(update!.atMs - register!.atMs).toBeLessThan(2000);
    expect(update!.lifetimeLeftMs).toBeGreaterThan(0);
    expect(update!.lifetimeLeftMs).toBeLessThan(2000);
    expect(register!.lifetimeLeftMs).toBeUndefined();
    expect(r.ended).toBeUndefined();
  });

  it('expires a registration whose client never updates', async () => {
    const s = await open();
    await simulate(s, { endpoint: 'lapse', version: '1.1', lifetimeS: 1, faults: ['lwm2m-no-update-before-expiry'] });
    const r = await s.waitForRegistration('lapse', 3000);
    const expired = await s.waitForEvent(isEvent('expired', 'lapse'), 3000, 'lapse', 'expiry');
    expect(expired.registration).toBe(r);
    expect(Date.now() - r.registeredAtMs).toBeGreaterThanOrEqual(990);
    expect(s.registration('lapse')).toBeUndefined();
    expect(s.history.at(-1)).toMatchObject({ kind: 'expired', registrationId: r.id });
  });

  it('answers an Update with 4.04 on request; the client registers again', async () => {
    const s = await open();
    await simulate(s, { endpoint: 'again', version: '1.1' });
    const first = await s.waitForRegistration('again', 3000);
    s.refuseNextUpdates('again');
    const next = s.waitForNewRegistration('again', 4000);
    expect((await s.execute('again', '/1/0/8')).code).toBe('2.04');
    const second = await next;
    expect(second.id).not.toBe(first.id);
    expect(first.ended).toBe('removed');
    expect(s.registerCount('again')).toBe(2);
    expect(s.history.map((h) => `${h.kind} ${h.answered}`)).toEqual(['register 2.01', 'update 4.04', 'register 2.01']);
  });

  it('after deleteRegistration the next Update gets 4.04 and the client registers again', async () => {
    const s = await open();
    const sim = await simulate(s, { endpoint: 'gone', version: '1.0' });
    await s.waitForRegistration('gone', 3000);
    await sim.waitFor('registered', 2000).catch(() => undefined);
    expect(s.deleteRegistration('gone')).toBe(true);
    expect(s.deleteRegistration('gone')).toBe(false);
    const next = s.waitForNewRegistration('gone', 4000);
    sim.client.registration.triggerUpdate();
    await next;
    expect(s.history.map((h) => `${h.kind} ${h.answered}`)).toEqual(['register 2.01', 'update 4.04', 'register 2.01']);
  });

  it('observes a reboot (Execute /3/0/4) as a re-registration', async () => {
    const s = await open();
    await simulate(s, { endpoint: 'reboot', version: '1.1' });
    const first = await s.waitForRegistration('reboot', 3000);
    const again = s.waitForEvent(isEvent('registered', 'reboot'), 4000, 'reboot', 're-registration');
    expect((await s.execute('reboot', '/3/0/4')).code).toBe('2.04');
    const event = await again;
    expect(event.reregistration).toBe(true);
    expect(first.ended).toBe('replaced');
    expect(s.registerCount('reboot')).toBe(2);
  });

  it('answers Send from an unregistered peer with 4.00', async () => {
    const s = await open();
    const peer = await rawPeer(s);
    const answer = await peer.send({ ...post(['dp'], []), options: [{ number: CoapOption.URI_PATH, value: text('dp') }, uintOptionValue(CoapOption.CONTENT_FORMAT, 110)], payload: text('[{"n":"/3/0/0","vs":"x"}]') });
    expect(answer.code).toBe('4.00');
    expect(s.sends[0]).toMatchObject({ endpoint: undefined, answered: '4.00', records: { ok: true } });
    const tlv = await peer.send({ ...post(['dp'], []), options: [{ number: CoapOption.URI_PATH, value: text('dp') }, uintOptionValue(CoapOption.CONTENT_FORMAT, 11542)], payload: Uint8Array.of(0xc1, 0, 1) });
    expect(tlv.code).toBe('4.15');
  });

  it('listens on a coap:// URI and refuses others with a clear error', async () => {
    server = await Lwm2mServer.listen('coap://127.0.0.1:0');
    expect(server.address().port).toBeGreaterThan(0);
    expect(parseListenUri('coap://[::1]')).toEqual({ host: '::1', port: 5683, scheme: 'coap' });
    expect(parseListenUri('coaps://127.0.0.1')).toEqual({ host: '127.0.0.1', port: 5684, scheme: 'coaps' });
    // coaps:// needs the endpoint's DTLS options, coap:// must have none.
    expect(() => listenBind('coaps://127.0.0.1:5684', {})).toThrow(ConnectionStringError);
    expect(() => parseListenUri('http://127.0.0.1:5683')).toThrow(ConnectionStringError);
    expect(() => parseListenUri('coap://localhost:5683')).toThrow(/not an IPv4 or bracketed IPv6 address/);
    expect(() => parseListenUri('coap://127.0.0.1:70000')).toThrow(/above 65535/);
  });
});
