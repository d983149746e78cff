/**
 * The hostile-target fault profiles on the wire (real UDP socket, real pty), and the harness's
 * decoders facing them: each profile does what it says against the simulator, a conforming
 * simulator does not, and the reply classifier, `decodeCbor` and the serial framer stay bounded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeCbor, MAX_CBOR_DEPTH } from '../../../src/codec/cbor/cbor.ts';
import { classifyResponseBody } from '../../../src/codec/smp/message.ts';
import { encodeSerialFrameLines, SerialFrameDecoder } from '../../../src/codec/smp/serial-framing.ts';
import { concatBytes } from '../../../src/core/bytes.ts';
import { startSimulator, type RunningSimulator } from '../../../src/simulator/index.ts';
import { garbageBurst, HOSTILE_REBOOT_MS, MARKUP_STRINGS } from '../../../src/simulator/hostile-faults.ts';
import { SimDevice } from '../../../src/simulator/device.ts';
import { ActiveFaults } from '../../../src/simulator/faults.ts';
import { body, req, SimLink } from './sim-link.ts';

const W = 2;
const R = 0;
const echo = (d: string, seq = 1): Uint8Array => req(W, 0, 0, { d }, { seq });
const running: RunningSimulator[] = [];
const links: SimLink[] = [];

async function sim(fault: string | undefined, transport: 'udp' | 'serial' = 'udp'): Promise<SimLink> {
  const s = await startSimulator({ udp: transport === 'udp' ? { port: 0 } : false, serial: transport === 'serial', faults: fault === undefined ? [] : [fault], consoleText: false });
  running.push(s);
  const link = transport === 'udp' ? await SimLink.udp(s) : await SimLink.serial(s);
  links.push(link);
  return link;
}

afterEach(async () => {
  await Promise.all(links.splice(0).map((l) => l.close().catch(() => undefined)));
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

describe('CBOR bombs in echo replies', () => {
  it('cbor-bomb-length: a 2^64-1 map and string claim, classified malformed without allocating it', async () => {
    const reply = (await (await sim('cbor-bomb-length')).ask(echo('hello')))!;
    const classified = classifyResponseBody(reply.subarray(8));
    expect(classified).toMatchObject({ kind: 'malformed' });
    expect(classified.kind === 'malformed' && classified.reason).toMatch(/claims 18446744073709551615 bytes/);
    expect(decodeCbor(reply.subarray(8)).ok).toBe(false);
  });

  it('cbor-bomb-depth: 1000 nested arrays, refused at the depth bound by both decoders', async () => {
    const reply = (await (await sim('cbor-bomb-depth')).ask(echo('hello')))!;
    expect(classifyResponseBody(reply.subarray(8))).toMatchObject({ kind: 'malformed', reason: expect.stringMatching(/nesting deeper than/) });
    const decoded = decodeCbor(reply.subarray(8));
    expect(decoded.ok === false && decoded.error).toMatchObject({ kind: 'limit', message: `nesting deeper than ${MAX_CBOR_DEPTH}` });
  });

  it('a conforming simulator answers the same echo with a plain map', async () => {
    expect(body(await (await sim(undefined)).ask(echo('hello')))).toEqual({ r: 'hello' });
  });
});

describe('decodeCbor against nesting no stack holds', () => {
  it('refuses 200 000 nested arrays as a limit, and decodes the next body normally', () => {
    const bomb = new Uint8Array(200_001).fill(0x81);
    bomb[200_000] = 0x00;
    const r = decodeCbor(bomb);
    expect(r.ok === false && r.error.kind).toBe('limit');
    expect(decodeCbor(Uint8Array.from([0xa1, 0x61, 0x72, 0x61, 0x78]))).toEqual({ ok: true, value: { r: 'x' } });
  });

  it('still decodes nesting up to the bound', () => {
    const nested = Uint8Array.from([...new Array<number>(MAX_CBOR_DEPTH).fill(0x81), 0x00]);
    expect(decodeCbor(nested).ok).toBe(true);
  });
});

describe('oversize-datagram', () => {
  it('pads echo replies to one 65000-byte datagram; other replies stay as they are', async () => {
    const link = await sim('oversize-datagram');
    expect((await link.ask(echo('pad')))!.length).toBe(65_000);
    expect((await link.ask(req(R, 0, 6, {}, { seq: 2 })))!.length).toBeLessThan(100);
  });
});

describe('serial-garbage-flood', () => {
  it('follows each serial reply with garbage the framer drops, and the next reply still decodes', async () => {
    const link = await sim('serial-garbage-flood', 'serial');
    expect(body(await link.ask(echo('one', 1)))).toEqual({ r: 'one' });
    expect(body(await link.ask(echo('two', 2)))).toEqual({ r: 'two' });
    // The garbage arrived as framing problems and console text, not as packets.
    await new Promise((r) => setTimeout(r, 200));
    expect(link.events.length).toBeGreaterThan(3);
  });

  it('a burst between two frames leaves both frames intact for the framer', () => {
    const device = new SimDevice({ bufSize: 2048, bufCount: 2, errorForm: 'v2', processingMs: 0, faults: parseFaults('serial-garbage-flood') });
    const garbage = garbageBurst(device)!;
    expect(garbage.length).toBeGreaterThanOrEqual(4096);
    expect(garbage.at(-1)).toBe(0x0a);
    const a = echo('a', 1);
    const b = echo('b', 2);
    const decoder = new SerialFrameDecoder();
    const events = decoder.push(concatBytes(...encodeSerialFrameLines(a), garbage, ...encodeSerialFrameLines(b)));
    expect(events.filter((e) => e.kind === 'packet').map((e) => (e.kind === 'packet' ? [...e.packet] : []))).toEqual([[...a], [...b]]);
  });
});

function parseFaults(spec: string): ActiveFaults {
  const parsed = ActiveFaults.parse([spec]);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

describe('reset, hang, vanish', () => {
  it('reset-mid-suite: after N requests the device is deaf while it reboots, then answers again', async () => {
    const link = await sim('reset-mid-suite:2');
    expect(await link.ask(echo('1', 1))).toBeDefined();
    expect(await link.ask(echo('2', 2))).toBeDefined();
    expect(await link.ask(echo('3', 3), 300)).toBeUndefined();
    await new Promise((r) => setTimeout(r, HOSTILE_REBOOT_MS));
    expect(body(await link.ask(echo('4', 4)))).toEqual({ r: '4' });
  });

  it('hang-mid-upload: after N upload chunks nothing is answered, echo included', async () => {
    const link = await sim('hang-mid-upload:1');
    const chunk = (off: number, seq: number): Uint8Array => req(W, 1, 1, off === 0 ? { off, len: 64, data: new Uint8Array(16).fill(0xaa) } : { off, data: new Uint8Array(16) }, { seq });
    expect(await link.ask(chunk(0, 1))).toBeDefined();
    expect(await link.ask(chunk(16, 2), 300)).toBeUndefined();
    expect(await link.ask(echo('after', 3), 300)).toBeUndefined();
  });

  it('exit-mid-upload: after N upload chunks the device logs a fatal error, closes its endpoints and reports an exit', async () => {
    let gone: string | undefined;
    const s = await startSimulator({ udp: { port: 0 }, faults: ['exit-mid-upload:1'], consoleText: false, onGone: (reason) => (gone = reason) });
    running.push(s);
    const link = await SimLink.udp(s);
    links.push(link);
    const chunk = (off: number, seq: number): Uint8Array => req(W, 1, 1, off === 0 ? { off, len: 64, data: new Uint8Array(16).fill(0xaa) } : { off, data: new Uint8Array(16) }, { seq });
    expect(await link.ask(chunk(0, 1))).toBeDefined();
    expect(gone).toBeUndefined();
    expect(await link.ask(chunk(16, 2), 300)).toBeUndefined();
    expect(gone).toBe('exit');
    await link.send(echo('after', 3)).catch(() => undefined);
    await link.send(echo('after', 4)).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    expect(link.events.map((e) => e.kind)).toContain('refused');
  });

  it('vanish-after-requests over UDP: the port closes, the next send surfaces as a refused link event', async () => {
    const link = await sim('vanish-after-requests:1');
    expect(await link.ask(echo('1', 1))).toBeDefined();
    expect(await link.ask(echo('2', 2), 300)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 50));
    await link.send(echo('3', 3)).catch(() => undefined);
    await link.send(echo('4', 4)).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    expect(link.events.map((e) => e.kind)).toContain('refused');
  });

  it('vanish-after-requests over the pty: the client sees the device side close', async () => {
    const link = await sim('vanish-after-requests:1', 'serial');
    expect(await link.ask(echo('1', 1))).toBeDefined();
    expect(await link.ask(echo('2', 2), 300)).toBeUndefined();
    // The hangup reaches the client through serialport's poller: give a loaded machine time.
    const deadline = Date.now() + 25_000;
    while (!link.events.some((e) => e.kind === 'disconnected' || e.kind === 'port-error') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(link.events.map((e) => e.kind).filter((k) => k === 'disconnected' || k === 'port-error').length).toBeGreaterThan(0);
  }, 40_000);
});

describe('os-info-script', () => {
  it('puts markup into os info, the bootloader name and shell output', async () => {
    const link = await sim('os-info-script');
    expect(body(await link.ask(req(R, 0, 7, { format: 'a' }, { seq: 1 })))['output']).toContain(MARKUP_STRINGS.kernel);
    expect(body(await link.ask(req(R, 0, 8, {}, { seq: 2 })))).toEqual({ bootloader: MARKUP_STRINGS.bootloader });
    expect(body(await link.ask(req(W, 9, 0, { argv: ['kernel', 'version'] }, { seq: 3 })))['o']).toContain(MARKUP_STRINGS.shellLine);
  });
});
