/**
 * The serial endpoint on a real pseudo-terminal (smp.md §4.2, §4.3, §6.3) and the shared device
 * state across endpoints (§6.5 item 47).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatBytes } from '../../../src/core/bytes.ts';
import { encodeSerialFrameLines, encodeSerialFrames } from '../../../src/codec/smp/serial-framing.ts';
import { encodeSerialFrameUnchecked } from '../../../src/codec/smp/serial-framing-unchecked.ts';
import { startSimulator, type RunningSimulator } from '../../../src/simulator/index.ts';
import { SerialTransport } from '../../../src/transport/serial.ts';
import { body, req, SimLink } from './sim-link.ts';

const W = 2;
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('serial endpoint on a pty (smp.md §4.2–4.3, §6.3)', () => {
  let sim: RunningSimulator;
  let link: SimLink;
  beforeAll(async () => {
    sim = await startSimulator({ udp: { port: 0 }, udp6: { port: 0 }, serial: true, consoleText: false });
    link = await SimLink.serial(sim);
  });
  afterAll(async () => {
    await link.close();
    await sim.stop();
  });

  it('echo, short and multi-line (response split the Zephyr way)', async () => {
    expect(body(await link.ask(req(W, 0, 0, { d: 'hello' })))).toEqual({ r: 'hello' });
    const long = 'z'.repeat(240);
    expect(body(await link.ask(req(W, 0, 0, { d: long })))).toEqual({ r: long });
  });

  it('§4.3: a frame over the transport MTU (256 by default, as Zephyr) is dropped silently; one at it is answered', async () => {
    const atMtu = req(W, 0, 0, { d: 'm'.repeat(243) });
    expect(atMtu.length).toBe(256);
    expect(await link.collect(req(W, 0, 0, { d: 'm'.repeat(244) }), 300)).toEqual([]);
    expect(body(await link.ask(atMtu))).toEqual({ r: 'm'.repeat(243) });
  });

  it('§6.3 item 30: a line longer than 127 bytes is dropped silently; exactly 127 works', async () => {
    const tooLong = encodeSerialFrameUnchecked(req(W, 0, 0, { d: 'x'.repeat(120) }), { lineBytes: 200 });
    expect(await link.collect(tooLong, 250, { raw: true })).toEqual([]);
    // A packet of 89 bytes fills exactly one 127-byte line.
    const packet = req(W, 0, 0, { d: 'y'.repeat(76) });
    expect(packet.length).toBe(89);
    expect(encodeSerialFrameLines(packet)[0]!.length).toBe(127);
    expect(body(await link.ask(packet))).toEqual({ r: 'y'.repeat(76) });
  });

  it('§6.3 item 33: console text lines between the lines of a packet are ignored', async () => {
    const lines = encodeSerialFrameLines(req(W, 0, 0, { d: 'w'.repeat(200) }));
    expect(lines.length).toBeGreaterThan(1);
    const wire = concatBytes(lines[0]!, text('[00:00:01.000,000] <inf> log line\n'), ...lines.slice(1));
    const got = await link.collect(wire, 300, { raw: true });
    expect(got.map((p) => body(p))).toEqual([{ r: 'w'.repeat(200) }]);
  });

  it('§6.3 items 24, 26, 28: bad CRC, orphan continuation, bad base64 → silent; the next packet works', async () => {
    const p = req(W, 0, 0, { d: 'crc' });
    for (const damage of [{ crc: 0x1234 }, { continuationFirst: true }, { badBase64At: 5 }]) {
      expect(await link.collect(encodeSerialFrameUnchecked(p, damage), 200, { raw: true })).toEqual([]);
    }
    expect(body(await link.ask(p))).toEqual({ r: 'crc' });
  });

  it('§6.3 item 27: a new start line discards the partial packet', async () => {
    const partial = encodeSerialFrameLines(req(W, 0, 0, { d: 'p'.repeat(200) }))[0]!;
    const got = await link.collect(concatBytes(partial, encodeSerialFrames(req(W, 0, 0, { d: 'fresh' }))), 300, { raw: true });
    expect(got.map((p) => body(p))).toEqual([{ r: 'fresh' }]);
  });

  it('§6.5 item 47: one device state — an upload started over UDP continues over the pty and IPv6', async () => {
    const udp = await SimLink.udp(sim);
    const udp6 = await SimLink.udp(sim, 'udp6');
    try {
      // 128-byte chunks: every request fits the pty's 256-byte MTU.
      const data = new Uint8Array(128).fill(0xaa);
      data.set([0x3d, 0xb8, 0xf3, 0x96]);
      expect(body(await udp.ask(req(W, 1, 1, { image: 0, len: 1024, off: 0, data })))).toEqual({ off: 128 });
      expect(body(await link.ask(req(W, 1, 1, { off: 128, data: new Uint8Array(128) })))).toEqual({ off: 256 });
      expect(body(await udp6.ask(req(W, 1, 1, { off: 256, data: new Uint8Array(128) })))).toEqual({ off: 384 });
      expect(sim.udp6?.host).toBe('::1');
    } finally {
      await udp.close();
      await udp6.close();
    }
  });
});

describe('serial console text and line-rate emulation', () => {
  it('prints Zephyr-style log lines between frames; the client sees them as console lines', async () => {
    const sim = await startSimulator({ udp: false, serial: true, consoleText: true });
    const link = await SimLink.serial(sim);
    try {
      expect(body(await link.ask(req(W, 0, 5)))).toEqual({});
      await new Promise((r) => setTimeout(r, 400));
      const consoles = link.events.filter((e) => e.kind === 'console').map((e) => e.message);
      expect(consoles.some((m) => /^\[\d\d:\d\d:\d\d\.\d{3},000\] <inf> /.test(m))).toBe(true);
      expect(body(await link.ask(req(W, 0, 0, { d: 'still' })))).toEqual({ r: 'still' });
    } finally {
      await link.close();
      await sim.stop();
    }
  });

  it('baudRate paces bytes at baud/10 per second both ways (38400 baud: ~670 bytes ≥ 170 ms)', async () => {
    const sim = await startSimulator({ udp: false, serial: { baudRate: 38400 }, consoleText: false });
    const link = await SimLink.serial(sim, 38400);
    try {
      const d = 'q'.repeat(240);
      const packet = req(W, 0, 0, { d });
      const wireBytes = encodeSerialFrames(packet).length * 2;
      const started = performance.now();
      expect(body(await link.ask(packet, 3000))).toEqual({ r: d });
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(((wireBytes * 10) / 38400) * 1000 * 0.9);
    } finally {
      await link.close();
      await sim.stop();
    }
  });
});

describe('UART receive line buffers (rxLineBuffers, captures README "Caveats")', () => {
  it('a 3-line request written in one burst loses a line with 2 buffers; a 2-line burst and paced lines get through', async () => {
    const sim = await startSimulator({ udp: false, serial: { rxLineBuffers: 2 }, consoleText: false });
    const burst = await SimLink.serial(sim);
    const threeLines = req(W, 0, 0, { d: 'b'.repeat(200) });
    const twoLines = req(W, 0, 0, { d: 'c'.repeat(120) });
    expect(encodeSerialFrameLines(threeLines)).toHaveLength(3);
    expect(encodeSerialFrameLines(twoLines)).toHaveLength(2);
    try {
      expect(await burst.collect(encodeSerialFrames(threeLines), 300, { raw: true })).toEqual([]);
      expect((await burst.collect(encodeSerialFrames(twoLines), 300, { raw: true })).map((p) => body(p))).toEqual([{ r: 'c'.repeat(120) }]);
    } finally {
      await burst.close();
    }
    const paced = await SerialTransport.open({ path: sim.serialPath!, baudRate: 115200, lineGapMs: 20 });
    try {
      const got = new Promise<Uint8Array>((resolve) => paced.onPacket((p) => resolve(p)));
      await paced.send(threeLines);
      expect(body(await got)).toEqual({ r: 'b'.repeat(200) });
    } finally {
      await paced.close();
      await sim.stop();
    }
  });
});

