/**
 * The image-rule and file-system fault profiles on the wire: each check passes with its profile
 * on and fails against a conforming simulator.
 */
import { expect } from 'vitest';
import { testImage, uploadAll } from './image-fixtures.ts';
import { describeFaultsOnTheWire, type FaultWireCheck } from './fault-wire-checks.ts';
import { body, req, type SimLink } from './sim-link.ts';

const R = 0;
const W = 2;

type Check = FaultWireCheck;

/** The running image's hash as the state list gives it. */
async function runningHash(l: SimLink): Promise<Uint8Array> {
  const images = body(await l.ask(req(R, 1, 0)))['images'] as { slot: number; hash: Uint8Array }[];
  return images.find((e) => e.slot === 0)?.hash ?? new Uint8Array(0);
}

/** Start an upload of an image around `bytes` bytes with a 512-byte first chunk. */
async function startUpload(l: SimLink, sha?: Uint8Array, bytes = 2000): Promise<Uint8Array> {
  const img = testImage(bytes).file;
  await l.ask(req(W, 1, 1, { image: 0, len: img.length, off: 0, ...(sha ? { sha } : {}), data: img.subarray(0, 512) }));
  return img;
}

async function fsFile(l: SimLink, name: string, bytes: number): Promise<void> {
  await l.ask(req(W, 8, 0, { off: 0, data: new Uint8Array(bytes).fill(7), name, len: bytes }));
}

/** One wire check per profile. */
const CHECKS: Record<string, Check> = {
  'img-state-flags-wrong': async (l) => {
    const images = body(await l.ask(req(R, 1, 0)))['images'] as { slot: number; active: boolean }[];
    expect(images.find((e) => e.slot === 0)?.active).toBe(false);
  },
  'state-write-hash-unchecked': async (l) => expect(body(await l.ask(req(W, 1, 0, { hash: new Uint8Array(31), confirm: false })))).toHaveProperty('images'),
  'test-active-allowed': async (l) => expect(body(await l.ask(req(W, 1, 0, { hash: await runningHash(l), confirm: false })))).toHaveProperty('images'),
  'confirm-running-denied': async (l) => expect(body(await l.ask(req(W, 1, 0, { confirm: true })))).toEqual({ err: { group: 1, rc: 32 } }),
  'erase-in-use-allowed': async (l) => {
    expect(body(await l.ask(req(W, 1, 5, { slot: 0 })))).toEqual({});
    expect(await runningHash(l)).toHaveLength(32);
  },
  'wrong-types-ignored': async (l) => expect(body(await l.ask(req(W, 1, 5, { slot: '1' })))).toEqual({}),
  'slot-info-missing-slot': async (l) => {
    const images = body(await l.ask(req(R, 1, 6)))['images'] as { slots: unknown[] }[];
    expect(images[0]?.slots).toHaveLength(1);
  },
  'upload-checks-skipped': async (l) => {
    const img = testImage(500).file;
    expect(body(await l.ask(req(W, 1, 1, { image: 0, len: img.length, data: img.subarray(0, 256) })))).toEqual({ off: 256 });
  },
  'upload-continuation-accepted': async (l) => expect(body(await l.ask(req(W, 1, 1, { off: 512, data: new Uint8Array(64) })))).toEqual({ off: 576 }),
  'upload-overrun-accepted': async (l) => {
    const img = await startUpload(l, undefined, 1000);
    // 700 bytes from offset 512 reach past the 1000-odd byte image.
    expect(body(await l.ask(req(W, 1, 1, { off: 512, data: new Uint8Array(700) })))).toMatchObject({ off: img.length });
  },
  'upload-empty-chunk-refused': async (l) => {
    await startUpload(l);
    expect(body(await l.ask(req(W, 1, 1, { off: 512, data: new Uint8Array(0) })))).toEqual({ rc: 3 });
  },
  'upload-resume-ignores-sha': async (l) => {
    await startUpload(l, new Uint8Array(32).fill(1));
    const other = testImage(900).file;
    expect(body(await l.ask(req(W, 1, 1, { image: 0, len: other.length, off: 0, sha: new Uint8Array(32).fill(2), data: other.subarray(0, 256) })))).toEqual({ off: 512 });
  },
  'pending-confirm-allowed': async (l) => {
    const img = testImage(900);
    await uploadAll(l, img.file);
    await l.ask(req(W, 1, 0, { hash: img.hash, confirm: false }));
    expect(body(await l.ask(req(W, 1, 0, { confirm: true })))).toHaveProperty('images');
  },
  'retest-refused': async (l) => {
    const img = testImage(900);
    await uploadAll(l, img.file);
    await l.ask(req(W, 1, 0, { hash: img.hash, confirm: false }));
    expect(body(await l.ask(req(W, 1, 0, { hash: img.hash, confirm: false })))).toEqual({ err: { group: 1, rc: 28 } });
  },
  'erase-any-slot-ok': async (l) => expect(body(await l.ask(req(W, 1, 5, { slot: 7 })))).toEqual({}),
  'short-sha-refused': async (l) => {
    const img = testImage(500).file;
    expect(body(await l.ask(req(W, 1, 1, { image: 0, len: img.length, off: 0, sha: new Uint8Array(16), data: img.subarray(0, 256) })))).toEqual({ err: { group: 1, rc: 24 } });
  },
  'fs-download-ignores-off': async (l) => {
    await l.ask(req(W, 8, 0, { off: 0, data: Uint8Array.of(1, 2, 3, 4), name: '/lfs1/a', len: 4 }));
    expect(body(await l.ask(req(R, 8, 0, { off: 2, name: '/lfs1/a' })))['data']).toEqual(Uint8Array.of(1, 2, 3, 4));
  },
  'fs-status-off-by-one': async (l) => {
    await fsFile(l, '/lfs1/s', 10);
    expect(body(await l.ask(req(R, 8, 1, { name: '/lfs1/s' })))).toEqual({ len: 11 });
  },
  'fs-hash-ignores-range': async (l) => {
    await fsFile(l, '/lfs1/h', 10);
    expect(body(await l.ask(req(R, 8, 2, { name: '/lfs1/h', off: 10 })))).toHaveProperty('output');
  },
  'fs-unknown-hash-type-accepted': async (l) => {
    await fsFile(l, '/lfs1/u', 10);
    expect(body(await l.ask(req(R, 8, 2, { name: '/lfs1/u', type: 'md5' })))).toHaveProperty('output');
  },
  'fs-hash-types-wrong': async (l) => expect(body(await l.ask(req(R, 8, 3)))['types']).toMatchObject({ sha256: { format: 0 } }),
  'fs-offset-mismatch-accepted': async (l) => {
    await l.ask(req(W, 8, 0, { off: 0, data: new Uint8Array(10), name: '/lfs1/o', len: 100 }));
    expect(body(await l.ask(req(W, 8, 0, { off: 50, data: new Uint8Array(10), name: '/lfs1/o' })))).toEqual({ off: 20 });
  },
  'fs-no-truncate': async (l) => {
    await fsFile(l, '/lfs1/t', 10);
    await fsFile(l, '/lfs1/t', 3);
    expect(body(await l.ask(req(R, 8, 1, { name: '/lfs1/t' })))).toEqual({ len: 13 });
  },
  'fs-close-refused': async (l) => expect(body(await l.ask(req(W, 8, 4)))).toEqual({ err: { group: 8, rc: 1 } }),
  'fs-request-checks-skipped': async (l) => {
    expect(body(await l.ask(req(W, 8, 0, { off: 0, data: new Uint8Array(4), name: '/lfs1/n' })))).toEqual({ off: 4 });
  },
  'fs-missing-file-empty': async (l) => expect(body(await l.ask(req(R, 8, 1, { name: '/lfs1/none' })))).toEqual({ len: 0 }),
};

describeFaultsOnTheWire('image-rule and file-system fault profiles on the wire', CHECKS);
