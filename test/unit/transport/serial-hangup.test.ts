/**
 * A hung-up serial line ends the transport: `readUnixPort` turns the 0-byte reads of a hung-up
 * tty into a disconnect (serialport's own loop reads again forever), and on real pseudo-terminals
 * whose device side closes, every one of a dozen links reports it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readUnixPort } from '../../../src/transport/serial-port.ts';
import { startSimulator, type RunningSimulator } from '../../../src/simulator/index.ts';
import { req, SimLink } from '../simulator/sim-link.ts';

type Step = number | string;

/** A port whose reads follow `steps` (bytes read, or an errno code); counts poller waits. */
function scriptedPort(steps: Step[], isOpen = true): { port: Parameters<typeof readUnixPort>[0]; read: Parameters<typeof readUnixPort>[4]; waits: () => number } {
  let waits = 0;
  const port = { fd: 7, isOpen, poller: { once: (_e: 'readable', cb: (err: Error | null) => void) => (waits++, setImmediate(() => cb(null))) } };
  const read = (async (_fd: number, buffer: Buffer) => {
    const step = steps.shift();
    if (step === undefined) throw new Error('read past the script');
    if (typeof step === 'string') throw Object.assign(new Error(step), { code: step });
    return { bytesRead: step, buffer };
  }) as unknown as Parameters<typeof readUnixPort>[4];
  return { port, read, waits: () => waits };
}

describe('readUnixPort', () => {
  it('a 0-byte read right after the poller said readable is a hang-up: a disconnect error', async () => {
    const s = scriptedPort([0, 0]);
    await expect(readUnixPort(s.port, Buffer.alloc(8), 0, 8, s.read)).rejects.toMatchObject({ code: 'EOF', disconnect: true });
    expect(s.waits()).toBe(1);
  });

  it('one 0-byte read followed by data is not a hang-up', async () => {
    const s = scriptedPort([0, 5]);
    await expect(readUnixPort(s.port, Buffer.alloc(8), 0, 8, s.read)).resolves.toMatchObject({ bytesRead: 5 });
  });

  it('EAGAIN waits for the poller and clears an earlier 0-byte read', async () => {
    const s = scriptedPort(['EAGAIN', 0, 'EAGAIN', 0, 3]);
    await expect(readUnixPort(s.port, Buffer.alloc(8), 0, 8, s.read)).resolves.toMatchObject({ bytesRead: 3 });
    expect(s.waits()).toBe(4);
  });

  it('EIO and ENXIO are a lost device; other errors pass through as they are', async () => {
    for (const code of ['EIO', 'ENXIO']) {
      const s = scriptedPort([code]);
      await expect(readUnixPort(s.port, Buffer.alloc(8), 0, 8, s.read)).rejects.toMatchObject({ code, disconnect: true });
    }
    const s = scriptedPort(['EINVAL']);
    const error = await readUnixPort(s.port, Buffer.alloc(8), 0, 8, s.read).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EINVAL' });
    expect((error as { disconnect?: boolean }).disconnect).toBeUndefined();
  });

  it('a closed port ends the read as canceled', async () => {
    const s = scriptedPort([], false);
    await expect(readUnixPort(s.port, Buffer.alloc(8), 0, 8, s.read)).rejects.toMatchObject({ canceled: true });
  });
});

describe('a pty whose device side closes', () => {
  const running: RunningSimulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });

  it('is reported as disconnected on every one of 12 links', async () => {
    for (let i = 0; i < 12; i++) {
      const sim = await startSimulator({ udp: false, serial: true, faults: ['vanish-after-requests:1'], consoleText: false });
      running.push(sim);
      const link = await SimLink.serial(sim);
      try {
        expect(await link.ask(req(2, 0, 0, { d: 'x' }, { seq: 1 }))).toBeDefined();
        expect(await link.ask(req(2, 0, 0, { d: 'y' }, { seq: 2 }), 300)).toBeUndefined();
        const deadline = Date.now() + 10_000;
        while (!link.events.some((e) => e.kind === 'disconnected' || e.kind === 'port-error') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        expect(link.events.map((e) => e.kind), `link ${i}`).toEqual(expect.arrayContaining([expect.stringMatching(/^(disconnected|port-error)$/)]));
      } finally {
        await link.close().catch(() => undefined);
      }
    }
  }, 120_000);
});
