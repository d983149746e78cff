/**
 * The image DFU fault profiles (src/simulator/groups/img-faults.ts) on the wire: each check
 * passes with its profile on and fails against a conforming simulator.
 */
import { expect } from 'vitest';
import { testImage, uploadAll } from './image-fixtures.ts';
import { describeFaultsOnTheWire, type FaultWireCheck } from './fault-wire-checks.ts';
import { body, req, type SimLink } from './sim-link.ts';

const R = 0;
const W = 2;

type Check = FaultWireCheck;

/** One wire check per image DFU profile (shaped like faults.test.ts's CHECKS, to merge there). */
export const IMG_FAULT_CHECKS: Record<string, Check> = {
  'ignores-upgrade-flag': async (l) => {
    const older = testImage(500, { major: 0, minor: 5, revision: 0, build: 0 }).file;
    expect(body(await l.ask(req(W, 1, 1, { len: older.length, off: 0, upgrade: true, data: older.subarray(0, 256) })))).toEqual({ off: 256 });
  },
  'upload-resume-from-zero': async (l) => {
    const img = testImage(2000).file;
    await l.ask(req(W, 1, 1, { len: img.length, off: 0, data: img.subarray(0, 512) }));
    expect(body(await l.ask(req(W, 1, 1, { off: 1024, data: img.subarray(1024, 1536) })))).toEqual({ off: 0 });
    // The upload is gone: the expected continuation is answered with 0 too.
    expect(body(await l.ask(req(W, 1, 1, { off: 512, data: img.subarray(512, 1024) })))).toEqual({ off: 0 });
  },
  'lists-invalid-images': async (l) => {
    const img = testImage(1000).file;
    // Cut the TLV area off: img_mgmt finds no TLV info magic and skips the slot.
    await uploadAll(l, img.subarray(0, img.length - 40));
    const slots = (body(await l.ask(req(R, 1, 0))) as { images: { slot: number }[] }).images.map((s) => s.slot);
    expect(slots).toEqual([0, 1]);
  },
  'erase-not-done': async (l) => {
    await uploadAll(l, testImage(1000).file);
    expect(body(await l.ask(req(W, 1, 5, {})))).toEqual({});
    expect((body(await l.ask(req(R, 1, 0))) as { images: unknown[] }).images).toHaveLength(2);
  },
  'upload-any-image-number': async (l) => {
    const img = testImage(500).file;
    expect(body(await l.ask(req(W, 1, 1, { image: 7, len: img.length, off: 0, data: img.subarray(0, 256) })))).toEqual({ off: 256 });
  },
};

describeFaultsOnTheWire('image DFU fault profiles on the wire', IMG_FAULT_CHECKS);
