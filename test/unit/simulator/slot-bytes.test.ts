/**
 * The simulator's `slotBytes` option (smp.md §3.2.3, §3.2.7): slot info reports the configured
 * size and uploads are bounded by it; the default stays the capture's 0x69000.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.ts';
import { SLOT_SIZE_BYTES } from '../../../src/simulator/device.ts';
import { startSimulator } from '../../../src/simulator/index.ts';
import { testImage, uploadAll } from './image-fixtures.ts';
import { body, req, udpSim } from './sim-link.ts';

const R = 0;
const W = 2;
const BIG_SLOT = 0x120000;

/** Slot sizes the device reports through slot info (group 1, command 6). */
function reportedSizes(rsp: Record<string, unknown>): unknown[] {
  const images = rsp['images'] as { slots: { size: unknown }[] }[];
  return images.flatMap((i) => i.slots.map((s) => s.size));
}

/** A first upload chunk announcing `len` bytes. */
function firstChunk(len: number): Uint8Array {
  return req(W, 1, 1, { image: 0, len, off: 0, data: testImage().file.subarray(0, 64) });
}

/** The first upload chunk of `file`, announcing its whole length. */
function firstChunkOf(file: Uint8Array): Uint8Array {
  return req(W, 1, 1, { image: 0, len: file.length, off: 0, data: file.subarray(0, 64) });
}

describe('simulator slotBytes option', () => {
  it('default: slot info reports 0x69000 and a larger upload is refused with err 30', async () => {
    const { link, done } = await udpSim();
    try {
      expect(reportedSizes(body(await link.ask(req(R, 1, 6))))).toEqual([SLOT_SIZE_BYTES, SLOT_SIZE_BYTES]);
      expect(body(await link.ask(firstChunk(SLOT_SIZE_BYTES + 1)))).toEqual({ err: { group: 1, rc: 30 } });
    } finally {
      await done();
    }
  });

  it('0x120000: slot info reports it, 1 MiB starts, one byte more than the slot is refused', async () => {
    const { link, done } = await udpSim({ slotBytes: BIG_SLOT });
    try {
      expect(reportedSizes(body(await link.ask(req(R, 1, 6))))).toEqual([BIG_SLOT, BIG_SLOT]);
      expect(body(await link.ask(firstChunk(1024 * 1024)))).toEqual({ off: 64 });
      expect(body(await link.ask(firstChunk(BIG_SLOT + 1)))).toEqual({ err: { group: 1, rc: 30 } });
    } finally {
      await done();
    }
  });

  it('a small slot takes a whole image that fits and refuses a bigger one', async () => {
    const { link, done } = await udpSim({ slotBytes: 0x2000 });
    try {
      const fits = testImage(0x2000 - 256);
      expect(fits.file.length).toBeLessThanOrEqual(0x2000);
      expect((await uploadAll(link, fits.file, fits.sha)).at(-1)).toEqual({ off: fits.file.length, match: true });
      const tooBig = testImage(0x2000);
      expect(body(await link.ask(firstChunkOf(tooBig.file)))).toEqual({ err: { group: 1, rc: 30 } });
    } finally {
      await done();
    }
  });

  it.each([0x1fff, 0x2000 + 0.5, 0x400_0001, -1])('refuses slotBytes %s with a ConfigError', async (slotBytes) => {
    await expect(startSimulator({ udp: false, slotBytes })).rejects.toBeInstanceOf(ConfigError);
  });
});
