/**
 * The simulator never crashes on any byte sequence (unless a crash profile is on): arbitrary
 * buffers and structured-but-hostile requests through the device core in-process (thousands of
 * runs), then fewer over the real UDP socket and the real pty; after each batch an echo answers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../../src/core/bytes.ts';
import { encodeCborDefinite, encodeCborIndefinite } from '../../../src/codec/cbor/writer.ts';
import { SimDevice } from '../../../src/simulator/device.ts';
import { dispatchBuffer } from '../../../src/simulator/dispatcher.ts';
import { ActiveFaults } from '../../../src/simulator/faults.ts';
import { startSimulator } from '../../../src/simulator/index.ts';
import { body, rawReq, req, SimLink } from './sim-link.ts';

const ECHO = req(2, 0, 0, { d: 'alive' });
const KNOWN_KEYS = ['d', 'format', 'query', 'datetime', 'force', 'hash', 'confirm', 'image', 'len', 'off', 'sha', 'data', 'upgrade', 'slot', 'name', 'max_size', 'val', 'type', 'argv', 'index', 'groups'];

const { value: cborValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 40 }),
    fc.constantFrom('/lfs1/f', 'test/k', 'mode', 'a', 'kernel', 'crc32', 'sha256', '2024-01-01T00:00:00'),
    fc.integer(),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
    fc.uint8Array({ maxLength: 80 }),
    fc.boolean(),
    fc.constant(null),
    fc.double(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KNOWN_KEYS), tie('value'), { maxKeys: 4 }),
  ),
}));

/** A header with any op/version/group/id and a hostile CBOR body (map of known keys, mostly). */
const hostileRequest = fc
  .record({
    op: fc.integer({ min: 0, max: 7 }),
    version: fc.integer({ min: 0, max: 3 }),
    group: fc.oneof(fc.constantFrom(0, 1, 2, 3, 8, 9, 10, 63), fc.integer({ min: 0, max: 0xffff })),
    id: fc.integer({ min: 0, max: 10 }),
    seq: fc.integer({ min: 0, max: 255 }),
    body: fc.oneof(fc.dictionary(fc.constantFrom(...KNOWN_KEYS), cborValue, { maxKeys: 6 }), cborValue),
    indefinite: fc.boolean(),
  })
  .map((r) => rawReq(r.op, r.group, r.id, (r.indefinite ? encodeCborIndefinite : encodeCborDefinite)(r.body), { seq: r.seq, version: r.version }));

/**
 * Echo over a real link, ignoring late replies to earlier traffic and re-sending every 300 ms
 * (a flood can fill the socket's receive buffer, and the kernel then drops the probe, as UDP may).
 */
async function echoAliveOver(link: SimLink, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    link.packets.length = 0;
    await link.send(req(2, 0, 0, { d: 'alive' }, { seq: 0x5a }));
    const retryAt = Math.min(deadline, Date.now() + 300);
    while (Date.now() < retryAt) {
      for (const p of await link.take(1, retryAt - Date.now())) {
        if (p.length > 8 && p[6] === 0x5a && p[7] === 0 && body(p)['r'] === 'alive') return true;
      }
    }
  }
  return false;
}

function newDevice(): SimDevice {
  return new SimDevice({ bufSize: 2048, bufCount: 2, errorForm: 'v2', processingMs: 0, faults: ActiveFaults.none() });
}

function echoAnswers(device: SimDevice): boolean {
  const out = dispatchBuffer(device, ECHO);
  return out.responses.length === 1 && body(out.responses[0])['r'] === 'alive';
}

describe('robustness of the device core (in-process)', () => {
  it('arbitrary buffers: never throws, echo still answers (3000 runs)', () => {
    const device = newDevice();
    try {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
          dispatchBuffer(device, bytes);
          return echoAnswers(device);
        }),
        { numRuns: 3000 },
      );
    } finally {
      device.dispose();
    }
  });

  it('hostile requests to every group (any op/version, typed and mistyped fields): never throws, echo answers (4000 runs)', () => {
    const device = newDevice();
    try {
      fc.assert(
        fc.property(fc.array(hostileRequest, { minLength: 1, maxLength: 3 }), (reqs) => {
          const out = dispatchBuffer(device, concatBytes(...reqs));
          expect(out.responses.length).toBeLessThanOrEqual(reqs.length + 1);
          return echoAnswers(device);
        }),
        { numRuns: 4000 },
      );
    } finally {
      device.dispose();
    }
  });
});

describe('robustness over the real endpoints', () => {
  it('arbitrary and hostile UDP datagrams (400 runs), then echo answers', async () => {
    const sim = await startSimulator({ udp: { port: 0 } });
    const link = await SimLink.udp(sim);
    try {
      const samples = fc.sample(fc.oneof(fc.uint8Array({ maxLength: 1600 }), hostileRequest), { numRuns: 400, seed: 42 });
      for (const s of samples) await link.sendRaw(s);
      expect(await echoAliveOver(link, 3000)).toBe(true);
    } finally {
      await link.close();
      await sim.stop();
    }
  });

  it('arbitrary serial bytes on the pty (300 runs, with stray markers), then echo answers', async () => {
    const sim = await startSimulator({ udp: false, serial: true, consoleText: false });
    const link = await SimLink.serial(sim);
    try {
      const noise = fc.oneof(
        fc.uint8Array({ maxLength: 400 }),
        fc.uint8Array({ maxLength: 120 }).map((b) => concatBytes(Uint8Array.of(6, 9), b, Uint8Array.of(10))),
        fc.base64String({ maxLength: 160 }).map((t) => concatBytes(Uint8Array.of(6, 9), new TextEncoder().encode(t), Uint8Array.of(10))),
      );
      for (const chunk of fc.sample(noise, { numRuns: 300, seed: 7 })) await link.sendRaw(chunk);
      await link.sendRaw(Uint8Array.of(10));
      expect(await echoAliveOver(link, 3000)).toBe(true);
    } finally {
      await link.close();
      await sim.stop();
    }
  }, 20_000);
});
