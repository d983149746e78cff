/**
 * One contract every Transport implementation goes through: the same checks against the memory
 * pair, a real UDP socket with an echo peer, and a serial port on a real pty with an echoing device.
 */
import { describe, it, expect } from 'vitest';
import { createSocket } from 'node:dgram';
import type { LinkEvent, Transport } from '../../../src/core/transport.ts';
import { createMemoryTransportPair } from '../../../src/transport/memory.ts';
import { UdpTransport } from '../../../src/transport/udp.ts';
import { SerialTransport } from '../../../src/transport/serial.ts';
import { isPtyAvailable, openPtyDevice } from '../../../src/transport/pty.ts';
import { encodeSerialFrames, SerialFrameDecoder } from '../../../src/codec/smp/serial-framing.ts';
import { encodeSmpHeader } from '../../../src/codec/smp/header.ts';
import { concatBytes } from '../../../src/core/bytes.ts';
import { TransportClosedError } from '../../../src/errors.ts';

/** A transport whose far end echoes every packet back, plus how to tear the far end down. */
interface EchoLink {
  transport: Transport;
  stopPeer(): Promise<void>;
}

const links: Array<{ name: string; make: () => Promise<EchoLink>; skip?: boolean }> = [
  {
    name: 'memory',
    make: async () => {
      const [a, b] = createMemoryTransportPair();
      b.onPacket((p) => void b.send(p));
      return { transport: a, stopPeer: () => b.close() };
    },
  },
  {
    name: 'udp',
    make: async () => {
      const server = createSocket('udp6');
      server.on('message', (m, r) => server.send(m, r.port, r.address));
      await new Promise<void>((r) => server.bind(0, '::1', () => r()));
      const transport = await UdpTransport.open({ host: '[::1]', port: server.address().port });
      return { transport, stopPeer: () => new Promise<void>((r) => server.close(() => r())) };
    },
  },
  {
    name: 'serial on a pty',
    skip: !isPtyAvailable(),
    make: async () => {
      const device = await openPtyDevice();
      const decoder = new SerialFrameDecoder();
      device.onData((chunk) => {
        for (const e of decoder.push(chunk)) if (e.kind === 'packet') void device.write(encodeSerialFrames(e.packet));
      });
      const transport = await SerialTransport.open({ path: device.path });
      return { transport, stopPeer: () => device.close() };
    },
  },
];

function packet(n: number, seq: number): Uint8Array {
  return concatBytes(encodeSmpHeader({ op: 0, version: 1, length: n, group: 0, seq, id: 0 }), new Uint8Array(n).fill(seq));
}

function collect(t: Transport, count: number, timeoutMs = 3000): Promise<Uint8Array[]> {
  return new Promise((resolve, reject) => {
    const got: Uint8Array[] = [];
    const timer = setTimeout(() => reject(new Error(`got ${got.length} of ${count}`)), timeoutMs);
    const off = t.onPacket((p) => {
      got.push(p);
      if (got.length < count) return;
      clearTimeout(timer);
      off();
      resolve(got);
    });
  });
}

async function withLink(make: () => Promise<EchoLink>, body: (t: Transport) => Promise<void>): Promise<void> {
  const link = await make();
  try {
    await body(link.transport);
  } finally {
    await link.transport.close();
    await link.stopPeer();
  }
}

describe.each(links)('Transport contract: $name', ({ make, skip }) => {
  it.skipIf(skip === true)('names itself and echoes packets intact and in order', async () => {
    await withLink(make, async (t) => {
      expect(t.kind).toMatch(/^(memory|udp|serial)$/);
      expect(t.description).toMatch(/^[a-z]+:\/\//);
      expect(t.isClosed).toBe(false);
      const sent = Array.from({ length: 20 }, (_, i) => packet(i * 13, i));
      const echoed = collect(t, sent.length);
      for (const p of sent) await t.send(p);
      expect((await echoed).map((p) => [...p])).toEqual(sent.map((p) => [...p]));
    });
  });

  it.skipIf(skip === true)('unsubscribed listeners get nothing; a throwing listener does not starve the others', async () => {
    await withLink(make, async (t) => {
      const ignored: Uint8Array[] = [];
      t.onPacket((p) => ignored.push(p))();
      const events: LinkEvent[] = [];
      t.onEvent((e) => events.push(e));
      t.onPacket(() => {
        throw new Error('listener bug');
      });
      const echoed = collect(t, 1);
      await t.send(packet(4, 1));
      expect((await echoed).length).toBe(1);
      expect(ignored).toEqual([]);
      expect(events.some((e) => e.kind === 'listener-error' && e.message.includes('listener bug'))).toBe(true);
    });
  });

  it.skipIf(skip === true)('close is idempotent and every send afterwards rejects with TransportClosedError', async () => {
    await withLink(make, async (t) => {
      await t.close();
      await t.close();
      expect(t.isClosed).toBe(true);
      await expect(t.send(packet(1, 1))).rejects.toBeInstanceOf(TransportClosedError);
      await expect(t.sendRaw(new Uint8Array([1]))).rejects.toBeInstanceOf(TransportClosedError);
    });
  });
});
