import { describe, it, expect, afterEach } from 'vitest';
import { openPtyDevice, isPtyAvailable, type PtyDevice } from '../../../src/transport/pty.ts';
import { SerialTransport } from '../../../src/transport/serial.ts';
import { encodeSerialFrames, SerialFrameDecoder } from '../../../src/codec/smp/serial-framing.ts';
import { encodeSmpHeader } from '../../../src/codec/smp/header.ts';
import { concatBytes, fromHex } from '../../../src/core/bytes.ts';
import { TransportClosedError } from '../../../src/errors.ts';
import type { LinkEvent, Transport } from '../../../src/core/transport.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function device(): Promise<PtyDevice> {
  const d = await openPtyDevice();
  cleanups.push(() => d.close());
  return d;
}

async function client(path: string, options: Partial<Parameters<typeof SerialTransport.open>[0]> = {}): Promise<SerialTransport> {
  const t = await SerialTransport.open({ path, ...options });
  cleanups.push(() => t.close());
  return t;
}

/** An SMP packet with a payload of `n` bytes (contents are not CBOR; the transport does not care). */
function packet(n: number, seq = 0): Uint8Array {
  const payload = new Uint8Array(n).map((_, i) => (i * 7 + seq) & 0xff);
  return concatBytes(encodeSmpHeader({ op: 2, version: 1, length: n, group: 0, seq, id: 0 }), payload);
}

function packets(t: Transport, count: number, timeoutMs = 3000): Promise<Uint8Array[]> {
  return new Promise((resolve, reject) => {
    const got: Uint8Array[] = [];
    const timer = setTimeout(() => reject(new Error(`got ${got.length} of ${count} packets`)), timeoutMs);
    const off = t.onPacket((p) => {
      got.push(p);
      if (got.length === count) {
        clearTimeout(timer);
        off();
        resolve(got);
      }
    });
  });
}

function events(t: Transport, kind: string, count: number, timeoutMs = 3000): Promise<LinkEvent[]> {
  return new Promise((resolve, reject) => {
    const got: LinkEvent[] = [];
    const timer = setTimeout(() => reject(new Error(`got ${got.length} of ${count} '${kind}' events`)), timeoutMs);
    const off = t.onEvent((e) => {
      if (e.kind !== kind) return;
      got.push(e);
      if (got.length === count) {
        clearTimeout(timer);
        off();
        resolve(got);
      }
    });
  });
}

/** Collect what the device receives, decoded with the framing decoder. */
function deviceDecoder(d: PtyDevice): { packets: Uint8Array[]; raw: Uint8Array[] } {
  const decoder = new SerialFrameDecoder();
  const out = { packets: [] as Uint8Array[], raw: [] as Uint8Array[] };
  d.onData((chunk) => {
    out.raw.push(chunk.slice());
    for (const e of decoder.push(chunk)) if (e.kind === 'packet') out.packets.push(e.packet);
  });
  return out;
}

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.skipIf(!isPtyAvailable())('SerialTransport on a real pseudo-terminal', () => {
  it('framed: client packets reach the device intact, single- and multi-line, both line styles', async () => {
    const d = await device();
    const seen = deviceDecoder(d);
    const zephyr = await client(d.path, { lineStyle: 'zephyr' });
    expect(zephyr.description).toBe(`serial://${d.path}?baud=115200`);
    const sent = [packet(6, 1), packet(300, 2), packet(1000, 3)];
    for (const p of sent) await zephyr.send(p);
    await until(() => seen.packets.length === 3);
    expect(seen.packets.map((p) => [...p])).toEqual(sent.map((p) => [...p]));
    const lines = Buffer.concat(seen.raw).toString('latin1').split('\n').filter((l) => l !== '');
    expect(Math.max(...lines.map((l) => l.length + 1))).toBeLessThanOrEqual(127);
    await zephyr.close();

    const sliced = await client(d.path, { lineStyle: 'sliced', lineGapMs: 2 });
    await sliced.send(packet(500, 4));
    await until(() => seen.packets.length === 4);
    expect([...seen.packets[3]!]).toEqual([...packet(500, 4)]);
  });

  it('framed: device packets and console lines arrive as packets and console events', async () => {
    const d = await device();
    const t = await client(d.path);
    const got = packets(t, 2);
    const consoleLines = events(t, 'console', 2);
    const big = packet(700, 9);
    const text = new TextEncoder();
    await d.write(concatBytes(text.encode('*** Booting Zephyr OS ***\n'), encodeSerialFrames(packet(10, 8))));
    await d.write(concatBytes(text.encode('[00:00:01] <inf> app: hi\n'), encodeSerialFrames(big)));
    const [p1, p2] = await got;
    expect([...p1!]).toEqual([...packet(10, 8)]);
    expect([...p2!]).toEqual([...big]);
    expect((await consoleLines).map((e) => e.message.trim())).toEqual(['*** Booting Zephyr OS ***', '[00:00:01] <inf> app: hi']);
  });

  it('framed: the golden echo line from a Zephyr capture decodes to its packet', async () => {
    const d = await device();
    const t = await client(d.path);
    const got = packets(t, 1);
    await d.write(concatBytes(new Uint8Array([0x06, 0x09]), new TextEncoder().encode('ABACAAAGAABCAKFhZGJhYUvx'), new Uint8Array([0x0a])));
    expect([...(await got)[0]!]).toEqual([...fromHex('02 00 00 06 00 00 42 00 a1 61 64 62 61 61')]);
  });

  it('framed: a corrupted line is reported as a link event, not a packet', async () => {
    const d = await device();
    const t = await client(d.path);
    const bad = events(t, 'bad-crc', 1);
    const line = encodeSerialFrames(packet(10));
    line[10] = line[10] === 0x41 ? 0x42 : 0x41;
    await d.write(line);
    expect((await bad)[0]!.message).not.toBe('');
  });

  it('sendRaw writes exactly the given bytes', async () => {
    const d = await device();
    const seen = deviceDecoder(d);
    const t = await client(d.path);
    const bytes = new Uint8Array([0x06, 0x09, 0x21, 0x0a, 0x00, 0xff]);
    await t.sendRaw(bytes);
    await until(() => Buffer.concat(seen.raw).length >= 6);
    expect([...Buffer.concat(seen.raw)]).toEqual([...bytes]);
  });

  it('raw mode: packets split by the header length both ways, stale partials dropped', async () => {
    const d = await device();
    const seen = deviceDecoder(d);
    const t = await client(d.path, { raw: true, interByteTimeoutMs: 300 });
    expect(t.description).toBe(`serial://${d.path}?baud=115200&raw=1`);
    await t.send(packet(20));
    await until(() => Buffer.concat(seen.raw).length >= 28);
    expect([...Buffer.concat(seen.raw)]).toEqual([...packet(20)]);

    const got = packets(t, 3);
    const stale = events(t, 'stale-partial', 1);
    const two = concatBytes(packet(3, 1), packet(300, 2));
    await d.write(two.subarray(0, 100));
    await d.write(two.subarray(100));
    await d.write(packet(40, 5).subarray(0, 12));
    await new Promise((r) => setTimeout(r, 700));
    await d.write(packet(0, 6));
    const received = await got;
    expect(received.map((p) => p.length)).toEqual([11, 308, 8]);
    expect([...received[1]!]).toEqual([...packet(300, 2)]);
    expect((await stale)[0]!.bytes?.length).toBe(12);
  });

  it('carries many large packets back to back in both directions without loss', async () => {
    const d = await device();
    const seen = deviceDecoder(d);
    const t = await client(d.path, { lineStyle: 'zephyr' });
    const count = 40;
    const big = (i: number): Uint8Array => packet(2000, i);
    const toClient = packets(t, count, 15_000);
    const started = performance.now();
    await Promise.all(Array.from({ length: count }, (_, i) => t.send(big(i))));
    for (let i = 0; i < count; i++) await d.write(encodeSerialFrames(big(i)));
    await until(() => seen.packets.length === count, 15_000);
    const received = await toClient;
    const elapsedMs = performance.now() - started;
    expect(seen.packets.map((p) => p[6])).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(received.every((p, i) => Buffer.from(p).equals(Buffer.from(big(i))))).toBe(true);
    expect(elapsedMs).toBeLessThan(15_000);
  });

  it('a second client on the same path is refused while the first holds it', async () => {
    const d = await device();
    await client(d.path);
    await expect(SerialTransport.open({ path: d.path })).rejects.toThrow(`serial port ${d.path}: in use by another process`);
  });

  it('survives client close and reopen on the same device', async () => {
    const d = await device();
    const seen = deviceDecoder(d);
    for (let round = 0; round < 3; round++) {
      const t = await client(d.path);
      const got = packets(t, 1);
      await t.send(packet(5, round));
      await until(() => seen.packets.length === round + 1);
      await d.write(encodeSerialFrames(packet(7, round)));
      expect([...(await got)[0]!]).toEqual([...packet(7, round)]);
      await t.close();
      await t.close();
      expect(t.isClosed).toBe(true);
      await expect(t.send(packet(1))).rejects.toBeInstanceOf(TransportClosedError);
      await d.write(encodeSerialFrames(packet(9)));
    }
  });

  it('device-side close is reported as a disconnected event', async () => {
    const d = await openPtyDevice();
    const t = await client(d.path);
    const got = packets(t, 1);
    await d.write(encodeSerialFrames(packet(4)));
    await got;
    // A hangup in the first instants after open, before serialport polls the fd, goes unnoticed
    // until the next write fails; a session that has exchanged traffic sees it at once.
    await new Promise((r) => setTimeout(r, 100));
    const gone = events(t, 'disconnected', 1, 5000);
    await d.close();
    expect((await gone)[0]!.message).toContain('device side closed');
    expect(t.isClosed).toBe(true);
    await expect(t.close()).resolves.toBeUndefined();
  });
});

describe('SerialTransport.open failures', () => {
  it('a path that does not exist fails fast with a TransportError naming it', async () => {
    const started = Date.now();
    const attempt = SerialTransport.open({ path: '/dev/does-not-exist-mgmt' });
    await expect(attempt).rejects.toThrow('serial port /dev/does-not-exist-mgmt: no such file');
    await expect(attempt).rejects.toMatchObject({ code: 'E_TRANSPORT' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a path that is not a terminal fails with a TransportError naming it', async () => {
    await expect(SerialTransport.open({ path: '/dev/null' })).rejects.toThrow(/^serial port \/dev\/null: /);
  });
});
