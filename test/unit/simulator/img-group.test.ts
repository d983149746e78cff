/**
 * Image group (smp.md §3.2, §6.6) over real UDP: state, upload rules, erase, slot info, swap.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SLOT_SIZE_BYTES } from '../../../src/simulator/device.ts';
import { CHUNK, testImage, uploadAll } from './image-fixtures.ts';
import { body, req, udpSim, type SimLink } from './sim-link.ts';

const R = 0;
const W = 2;

type Images = { images: Record<string, unknown>[] };

describe('image group (smp.md §3.2)', () => {
  let link: SimLink;
  let done: () => Promise<void>;
  beforeEach(async () => {
    ({ link, done } = await udpSim());
  });
  afterEach(() => done());

  it('§3.2.1 state read: slot 0 holds a valid 1.0.0 image, active+confirmed, all five flags (v4.0 form)', async () => {
    const rsp = body(await link.ask(req(R, 1, 0))) as Images & { splitStatus: number };
    expect(rsp.splitStatus).toBe(0);
    expect(rsp.images).toHaveLength(1);
    expect(rsp.images[0]).toMatchObject({ slot: 0, version: '1.0.0', bootable: true, pending: false, confirmed: true, active: true, permanent: false });
    expect((rsp.images[0]!['hash'] as Uint8Array).length).toBe(32);
  });

  it('§3.2.3 full upload with match true; state then lists slot 1 with the image-hash TLV; test → pending', async () => {
    const img = testImage();
    const rsps = await uploadAll(link, img.file, img.sha);
    expect(rsps.at(-1)).toEqual({ off: img.file.length, match: true });
    const state = body(await link.ask(req(R, 1, 0))) as Images;
    expect(state.images[1]).toMatchObject({ slot: 1, version: '2.0.0', pending: false, active: false });
    expect(Buffer.from(state.images[1]!['hash'] as Uint8Array).equals(Buffer.from(img.hash))).toBe(true);
    const tested = body(await link.ask(req(W, 1, 0, { hash: img.hash, confirm: false }))) as Images;
    expect(tested.images[1]).toMatchObject({ pending: true, permanent: false });
    expect(body(await link.ask(req(W, 1, 0, { hash: img.hash, confirm: false })))).toMatchObject({ images: expect.any(Array) });
    expect(body(await link.ask(req(W, 1, 5)))).toEqual({ err: { group: 1, rc: 9 } });
    expect(body(await link.ask(req(W, 1, 0, { confirm: true })))).toEqual({ err: { group: 1, rc: 28 } });
  });

  it('§6.6 item 53: wrong sha → upload completes with match false', async () => {
    const img = testImage();
    expect((await uploadAll(link, img.file, new Uint8Array(32).fill(7))).at(-1)).toEqual({ off: img.file.length, match: false });
  });

  it('§6.6 item 54: same image already in the slot with a full sha → immediate {off: len, match: true}', async () => {
    const img = testImage();
    await uploadAll(link, img.file, img.sha);
    expect(body(await link.ask(req(W, 1, 1, { image: 0, len: img.file.length, off: 0, sha: img.sha, data: img.file.subarray(0, CHUNK) })))).toEqual({ off: img.file.length, match: true });
  });

  it.each([
    ['first chunk < 32 bytes → 22', { len: 100, off: 0, data: new Uint8Array(31) }, { err: { group: 1, rc: 22 } }],
    ['no len → 21', { off: 0, data: new Uint8Array(64) }, { err: { group: 1, rc: 21 } }],
    ['no off → 20', { len: 100, data: new Uint8Array(64) }, { err: { group: 1, rc: 20 } }],
    ['legacy magic 3c → 23', { len: 100, off: 0, data: Uint8Array.from([0x3c, 0xb8, 0xf3, 0x96, ...new Uint8Array(60)]) }, { err: { group: 1, rc: 23 } }],
    ['sha of 33 bytes → 24', { len: 100, off: 0, sha: new Uint8Array(33), data: testImage().file.subarray(0, 64) }, { err: { group: 1, rc: 24 } }],
    ['len > slot → 30', { len: SLOT_SIZE_BYTES + 1, off: 0, data: testImage().file.subarray(0, 64) }, { err: { group: 1, rc: 30 } }],
    ['upgrade with an older version → 27', { len: 3072, off: 0, upgrade: true, data: testImage(3000, { major: 0, minor: 9, revision: 0, build: 0 }).file.subarray(0, 64) }, { err: { group: 1, rc: 27 } }],
    ['off as text → rc 3', { len: 100, off: 'zero', data: new Uint8Array(64) }, { rc: 3 }],
    ['continuation without an upload → {off: 0} (§6.6 item 48)', { off: 512, data: new Uint8Array(64) }, { off: 0 }],
    ['image above 2^32-1 (zcbor_uint32_decode) → rc 3', { image: 2 ** 32, len: 100, off: 0, data: new Uint8Array(64) }, { rc: 3 }],
  ])('§3.2.3 %s', async (_name, request, expected) => {
    expect(body(await link.ask(req(W, 1, 1, request)))).toEqual(expected);
  });

  it('§3.2.3 v1: bad magic → rc 1, len > slot → rc 1 (§6.6 item 62)', async () => {
    const bad = Uint8Array.from([0x3c, 0xb8, 0xf3, 0x96, ...new Uint8Array(60)]);
    expect(body(await link.ask(req(W, 1, 1, { len: 100, off: 0, data: bad }, { version: 0 })))).toEqual({ rc: 1 });
  });

  it('§6.6 items 49, 51, 55, 56: wrong offset → expected off; resume on same sha; empty data; overrun → 31', async () => {
    const img = testImage(1000);
    const sha = img.sha.subarray(0, 16);
    expect(body(await link.ask(req(W, 1, 1, { image: 0, len: img.file.length, off: 0, sha, data: img.file.subarray(0, CHUNK) })))).toEqual({ off: CHUNK });
    expect(body(await link.ask(req(W, 1, 1, { off: CHUNK + 100, data: img.file.subarray(CHUNK + 100, CHUNK + 200) })))).toEqual({ off: CHUNK });
    expect(body(await link.ask(req(W, 1, 1, { off: 10, data: img.file.subarray(10, 20) })))).toEqual({ off: CHUNK });
    expect(body(await link.ask(req(W, 1, 1, { image: 0, len: img.file.length, off: 0, sha, data: img.file.subarray(0, CHUNK) })))).toEqual({ off: CHUNK });
    expect(body(await link.ask(req(W, 1, 1, { off: CHUNK, data: new Uint8Array(0) })))).toEqual({ off: CHUNK });
    expect(body(await link.ask(req(W, 1, 1, { off: CHUNK, data: new Uint8Array(img.file.length - CHUNK + 1) })))).toEqual({ err: { group: 1, rc: 31 } });
    expect(body(await link.ask(req(W, 1, 1, { off: CHUNK, data: img.file.subarray(CHUNK, 2 * CHUNK) })))).toEqual({ off: 0 });
  });

  it('§6.6 item 57: upload → erase → upload restarts at 0 (#51798)', async () => {
    const img = testImage();
    await link.ask(req(W, 1, 1, { image: 0, len: img.file.length, off: 0, sha: img.sha, data: img.file.subarray(0, CHUNK) }));
    expect(body(await link.ask(req(W, 1, 5, { slot: 1 })))).toEqual({});
    expect(body(await link.ask(req(W, 1, 1, { off: CHUNK, data: img.file.subarray(CHUNK, 2 * CHUNK) })))).toEqual({ off: 0 });
  });

  it.each([
    ['hash of 31 bytes → 24', { hash: new Uint8Array(31), confirm: true }, { err: { group: 1, rc: 24 } }],
    ['unknown hash → 8', { hash: new Uint8Array(32), confirm: true }, { err: { group: 1, rc: 8 } }],
    ['hash as text → rc 3', { hash: 'abc', confirm: true }, { rc: 3 }],
    ['no hash, no confirm → 24', {}, { err: { group: 1, rc: 24 } }],
  ])('§3.2.2 state write %s', async (_name, request, expected) => {
    expect(body(await link.ask(req(W, 1, 0, request)))).toEqual(expected);
  });

  it('§3.2.2 test of the active image → 33; confirm of the running image (no hash) → state', async () => {
    const state = body(await link.ask(req(R, 1, 0))) as Images;
    const active = state.images[0]!['hash'] as Uint8Array;
    expect(body(await link.ask(req(W, 1, 0, { hash: active, confirm: false })))).toEqual({ err: { group: 1, rc: 33 } });
    expect(body(await link.ask(req(W, 1, 0, { confirm: true })))).toMatchObject({ images: [{ slot: 0, confirmed: true }] });
  });

  it('§3.2.4 erase: active slot 0 → 9; slot 7 → group error 10; default slot 1 → {}', async () => {
    expect(body(await link.ask(req(W, 1, 5, { slot: 0 })))).toEqual({ err: { group: 1, rc: 9 } });
    expect(body(await link.ask(req(W, 1, 5, { slot: 7 })))).toEqual({ err: { group: 1, rc: 10 } });
    expect(body(await link.ask(req(W, 1, 5, { slot: 2 ** 32 })))).toEqual({ rc: 3 });
    expect(body(await link.ask(req(W, 1, 5)))).toEqual({});
  });

  it('§3.2.5 slot info: two slots of 0x69000 bytes, upload_image_id on the inactive one', async () => {
    expect(body(await link.ask(req(R, 1, 6)))).toEqual({
      images: [{ image: 0, slots: [{ slot: 0, size: 0x69000 }, { slot: 1, size: 0x69000, upload_image_id: 0 }] }],
    });
  });

  it('§5.8 MCUboot model: test + reset swaps (unconfirmed, revert pending); reset again reverts', async () => {
    const img = testImage();
    await uploadAll(link, img.file, img.sha);
    await link.ask(req(W, 1, 0, { hash: img.hash, confirm: false }));
    await link.ask(req(W, 0, 5));
    await new Promise((r) => setTimeout(r, 350));
    const swapped = body(await link.ask(req(R, 1, 0))) as Images;
    expect(swapped.images.map((i) => [i['slot'], i['version'], i['active'], i['confirmed']])).toEqual([
      [0, '2.0.0', true, false],
      [1, '1.0.0', false, true],
    ]);
    await link.ask(req(W, 0, 5));
    await new Promise((r) => setTimeout(r, 350));
    const reverted = body(await link.ask(req(R, 1, 0))) as Images;
    expect(reverted.images.map((i) => [i['slot'], i['version'], i['confirmed']])).toEqual([
      [0, '1.0.0', true],
      [1, '2.0.0', false],
    ]);
  });
});

describe('image upload check order (img_mgmt_upload_inspect)', () => {
  it('a pending slot is reported before a too-large length: NO_FREE_SLOT (9) wins over 30', async () => {
    const { link, done } = await udpSim();
    try {
      const img = testImage(1000);
      await uploadAll(link, img.file, img.sha);
      await link.ask(req(W, 1, 0, { hash: img.hash, confirm: false }));
      expect(body(await link.ask(req(W, 1, 1, { len: 0x70000, off: 0, data: img.file.subarray(0, 64) })))).toEqual({ err: { group: 1, rc: 9 } });
    } finally {
      await done();
    }
  });

  it('the first chunk may be longer than "len" (no overrun check there); the next chunk then overruns → 31', async () => {
    const { link, done } = await udpSim();
    try {
      const img = testImage(1000);
      expect(body(await link.ask(req(W, 1, 1, { len: 100, off: 0, data: img.file.subarray(0, 256) })))).toEqual({ off: 256 });
      expect(body(await link.ask(req(W, 1, 1, { off: 256, data: img.file.subarray(256, 300) })))).toEqual({ err: { group: 1, rc: 31 } });
    } finally {
      await done();
    }
  });
});
