/**
 * Statistics, settings, file system, shell, enumeration and Zephyr basic groups
 * (smp.md §3.3–3.7, §3.9) over real UDP.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32 } from '../../../src/codec/smp/crc32.ts';
import { CborWriter } from '../../../src/codec/cbor/writer.ts';
import { body, rawReq, req, udpSim, type SimLink } from './sim-link.ts';

const R = 0;
const W = 2;
const FILE = '/lfs1/test.txt';
const CONTENT = new TextEncoder().encode(Array.from({ length: 13 }, (_, i) => `SMP fs capture line ${String(i).padStart(2, '0')}\n`).join(''));

describe('other groups (smp.md §3.3–3.9)', () => {
  let link: SimLink;
  let done: () => Promise<void>;
  beforeAll(async () => {
    ({ link, done } = await udpSim());
  });
  afterAll(() => done());

  it('§3.3 stat list and show; ticks move; unknown group → err {2,2}', async () => {
    expect(body(await link.ask(req(R, 2, 1)))).toEqual({ stat_list: ['flash_sim_stats', 'flash_sim_thresholds', 'smp_svr_stats'] });
    expect(body(await link.ask(req(R, 2, 0, { name: 'flash_sim_thresholds' })))).toEqual({
      name: 'flash_sim_thresholds',
      fields: { max_write_calls: 0, max_erase_calls: 0, max_len: 0, s3: 0 },
    });
    expect(body(await link.ask(req(R, 2, 0, { name: 'nope' })))).toEqual({ err: { group: 2, rc: 2 } });
    expect(body(await link.ask(req(R, 2, 0, { name: '' })))).toEqual({ rc: 3 });
    expect(body(await link.ask(req(R, 2, 0, { name: 's'.repeat(32) })))).toEqual({ rc: 3 });
    expect(body(await link.ask(req(R, 2, 0, { name: 'smp_svr_stats' })))).toMatchObject({ fields: { ticks: expect.any(Number), s1: 0 } });
  });

  it('§3.4 settings: write/read/delete under "test"; unknown root → 5; too long → 2; missing → 3; max_size', async () => {
    expect(body(await link.ask(req(W, 3, 0, { name: 'test/key', val: Uint8Array.of(1, 2, 3, 4) })))).toEqual({});
    expect(body(await link.ask(req(R, 3, 0, { name: 'test/key' })))).toEqual({ val: Uint8Array.of(1, 2, 3, 4) });
    expect(body(await link.ask(req(R, 3, 0, { name: 'test/key', max_size: 2 })))).toEqual({ val: Uint8Array.of(1, 2) });
    expect(body(await link.ask(req(R, 3, 0, { name: 'test/key', max_size: 2 ** 32 })))).toEqual({ rc: 3 });
    expect(body(await link.ask(req(R, 3, 0, { name: 'test/key', max_size: 4096 })))).toEqual({ val: Uint8Array.of(1, 2, 3, 4), max_size: 256 });
    expect(body(await link.ask(req(W, 3, 0, { name: 'other/key', val: Uint8Array.of(1) })))).toEqual({ err: { group: 3, rc: 5 } });
    expect(body(await link.ask(req(W, 3, 0, { name: `test/${'k'.repeat(40)}`, val: Uint8Array.of(1) })))).toEqual({ err: { group: 3, rc: 2 } });
    expect(body(await link.ask(req(R, 3, 0, { name: 'test/none' })))).toEqual({ err: { group: 3, rc: 3 } });
    expect(body(await link.ask(req(W, 3, 1, { name: 'test/key' })))).toEqual({});
    expect(body(await link.ask(req(W, 3, 1, { name: 'test/never-written' })))).toEqual({});
    expect(body(await link.ask(req(W, 3, 0, { name: 'test/empty' })))).toEqual({});
    expect(body(await link.ask(req(R, 3, 0, { name: 'test/empty' })))).toEqual({ val: new Uint8Array(0) });
    expect(body(await link.ask(req(R, 3, 0, { name: '' })))).toEqual({ rc: 3 });
    expect(body(await link.ask(req(R, 3, 0, { name: `test/${'k'.repeat(26)}` })))).toEqual({ err: { group: 3, rc: 3 } });
    expect(body(await link.ask(req(R, 3, 0, { name: `test/${'k'.repeat(27)}` })))).toEqual({ err: { group: 3, rc: 2 } });
    for (const [op, id] of [[W, 2], [R, 3], [W, 3]] as const) expect(body(await link.ask(req(op, 3, id)))).toEqual({});
  });

  it('§3.4 settings delete removes the saved copy only: the value reads back until a reboot reloads storage', async () => {
    await link.ask(req(W, 3, 0, { name: 'test/gone', val: Uint8Array.of(5) }));
    await link.ask(req(W, 3, 3));
    expect(body(await link.ask(req(W, 3, 1, { name: 'test/gone' })))).toEqual({});
    expect(body(await link.ask(req(R, 3, 0, { name: 'test/gone' })))).toEqual({ val: Uint8Array.of(5) });
    await link.ask(req(W, 0, 5));
    await new Promise((r) => setTimeout(r, 350));
    expect(body(await link.ask(req(R, 3, 0, { name: 'test/gone' })))).toEqual({ err: { group: 3, rc: 3 } });
  });

  it('§3.4 settings save survives a reset, unsaved values do not', async () => {
    await link.ask(req(W, 3, 0, { name: 'test/saved', val: Uint8Array.of(9) }));
    await link.ask(req(W, 3, 3, { name: 'test' }));
    await link.ask(req(W, 3, 0, { name: 'test/unsaved', val: Uint8Array.of(8) }));
    await link.ask(req(W, 0, 5));
    await new Promise((r) => setTimeout(r, 350));
    expect(body(await link.ask(req(R, 3, 0, { name: 'test/saved' })))).toEqual({ val: Uint8Array.of(9) });
    expect(body(await link.ask(req(R, 3, 0, { name: 'test/unsaved' })))).toEqual({ err: { group: 3, rc: 3 } });
  });

  it('§3.5 fs upload/status/download/hash as in the capture (299-byte file, crc32 2457460174)', async () => {
    expect(CONTENT.length).toBe(299);
    expect(body(await link.ask(req(W, 8, 0, { off: 0, data: CONTENT.subarray(0, 256), name: FILE, len: 299 })))).toEqual({ off: 256 });
    expect(body(await link.ask(req(W, 8, 0, { off: 256, data: CONTENT.subarray(256), name: FILE })))).toEqual({ off: 299 });
    expect(body(await link.ask(req(R, 8, 1, { name: FILE })))).toEqual({ len: 299 });
    expect(body(await link.ask(req(R, 8, 0, { off: 0, name: FILE })))).toEqual({ off: 0, data: CONTENT, len: 299 });
    expect(body(await link.ask(req(R, 8, 0, { off: 128, name: FILE })))).toEqual({ off: 128, data: CONTENT.subarray(128) });
    // fs_mgmt seeks past the end (LittleFS allows it) and reads nothing: no error (source, not the doc's 12).
    expect(body(await link.ask(req(R, 8, 0, { off: 300, name: FILE })))).toEqual({ off: 300, data: new Uint8Array(0) });
    expect(body(await link.ask(req(R, 8, 2, { name: FILE })))).toEqual({ type: 'crc32', len: 299, output: 2457460174 });
    expect(body(await link.ask(req(R, 8, 2, { name: FILE, type: 'crc32', off: 23, len: 46 })))).toEqual({ type: 'crc32', off: 23, len: 46, output: 2676342747 });
    const sha = new Uint8Array(createHash('sha256').update(CONTENT).digest());
    expect(body(await link.ask(req(R, 8, 2, { name: FILE, type: 'sha256' })))).toEqual({ type: 'sha256', len: 299, output: sha });
    expect(body(await link.ask(req(R, 8, 2, { name: FILE, type: 'md5' })))).toEqual({ err: { group: 8, rc: 13 } });
    expect(body(await link.ask(req(R, 8, 3)))).toEqual({ types: { crc32: { format: 0, size: 4 }, sha256: { format: 1, size: 32 } } });
    expect(body(await link.ask(req(W, 8, 4)))).toEqual({});
    expect(crc32(CONTENT)).toBe(2457460174);
  });

  it('§3.5 fs upload offset mismatch → err {8,11} plus "len"; off 0 truncates; missing file → 3; upload outside /lfs1 → 14', async () => {
    await link.ask(req(W, 8, 0, { off: 0, data: Uint8Array.of(1, 2, 3), name: '/lfs1/a.bin', len: 10 }));
    expect(body(await link.ask(req(W, 8, 0, { off: 5, data: Uint8Array.of(4), name: '/lfs1/a.bin' })))).toEqual({ err: { group: 8, rc: 11 }, len: 3 });
    await link.ask(req(W, 8, 0, { off: 0, data: Uint8Array.of(7), name: '/lfs1/a.bin', len: 1 }));
    expect(body(await link.ask(req(R, 8, 1, { name: '/lfs1/a.bin' })))).toEqual({ len: 1 });
    expect(body(await link.ask(req(R, 8, 1, { name: '/lfs1/missing' })))).toEqual({ err: { group: 8, rc: 3 } });
    expect(body(await link.ask(req(W, 8, 0, { off: 0, data: Uint8Array.of(1), name: '/nfs/x', len: 1 })))).toEqual({ err: { group: 8, rc: 14 } });
  });

  it('§3.5 fs_mgmt.c details: resume after close at the file length; restart at 0 keeps counting (source quirk); directory → 4; bad names → rc 3; hash edge cases', async () => {
    const f = '/lfs1/r.bin';
    expect(body(await link.ask(req(W, 8, 0, { off: 0, data: Uint8Array.of(1, 2), name: f, len: 4 })))).toEqual({ off: 2 });
    expect(body(await link.ask(req(W, 8, 4)))).toEqual({});
    expect(body(await link.ask(req(W, 8, 0, { off: 2, data: Uint8Array.of(3, 4), name: f })))).toEqual({ off: 4 });
    expect(body(await link.ask(req(R, 8, 0, { off: 0, name: f })))).toEqual({ off: 0, data: Uint8Array.of(1, 2, 3, 4), len: 4 });
    expect(body(await link.ask(req(W, 8, 0, { off: 0, data: Uint8Array.of(9), name: f, len: 8 })))).toEqual({ off: 1 });
    expect(body(await link.ask(req(W, 8, 0, { off: 0, data: Uint8Array.of(8, 7), name: f, len: 8 })))).toEqual({ off: 3 });
    expect(body(await link.ask(req(R, 8, 1, { name: f })))).toEqual({ len: 2 });
    expect(body(await link.ask(req(R, 8, 1, { name: '/lfs1' })))).toEqual({ err: { group: 8, rc: 4 } });
    expect(body(await link.ask(req(R, 8, 1, { name: '' })))).toEqual({ rc: 3 });
    expect(body(await link.ask(req(R, 8, 1, { name: `/lfs1/${'n'.repeat(60)}` })))).toEqual({ rc: 3 });
    expect(body(await link.ask(req(W, 8, 0, { off: 0, data: new Uint8Array(0), name: '/lfs1/empty', len: 0 })))).toEqual({ off: 0 });
    expect(body(await link.ask(req(R, 8, 2, { name: '/lfs1/empty' })))).toEqual({ err: { group: 8, rc: 16 } });
    expect(body(await link.ask(req(R, 8, 2, { name: f, len: 0 })))).toEqual({ rc: 3 });
    expect(body(await link.ask(req(R, 8, 2, { name: f, off: 2 })))).toEqual({ err: { group: 8, rc: 12 } });
    expect(body(await link.ask(req(R, 8, 2, { name: f, type: 'sha256sum!' })))).toEqual({ rc: 3 });
  });

  it.each([
    [['kernel', 'version'], { o: '\r\nZephyr version 4.0.0\r\n', ret: 0 }],
    [['echo', 'a', 'b c'], { o: '\r\na b c\r\n', ret: 0 }],
    [['nosuch'], { o: '\r\nnosuch: command not found\r\n', ret: -8 }],
    [['kernel version'], { o: '\r\nZephyr version 4.0.0\r\n', ret: 0 }],
  ])('§3.6 shell exec %j', async (argv, expected) => {
    expect(body(await link.ask(req(W, 9, 0, { argv })))).toEqual(expected);
  });

  it('§3.6 shell: device list and help produce output; empty argv → err {9,3}; too long → {9,2}; argv not an array → rc 3', async () => {
    expect(body(await link.ask(req(W, 9, 0, { argv: ['device', 'list'] })))['o']).toContain('uart@0');
    expect(body(await link.ask(req(W, 9, 0, { argv: ['help'] })))['o']).toContain('kernel');
    expect(body(await link.ask(req(W, 9, 0, { argv: [] })))).toEqual({ err: { group: 9, rc: 3 } });
    expect(body(await link.ask(req(W, 9, 0, { argv: [1, 'x'] })))).toEqual({ err: { group: 9, rc: 3 } });
    expect(body(await link.ask(req(W, 9, 0, { argv: ['echo', 'x'.repeat(300)] })))).toEqual({ err: { group: 9, rc: 2 } });
    expect(body(await link.ask(req(W, 9, 0, { argv: 'kernel' })))).toEqual({ rc: 3 });
    expect(body(await link.ask(req(W, 9, 0, { argv: [], other: 1 }, { version: 0 })))).toEqual({ rc: 3 });
  });

  it('§3.6 shell_mgmt scans the map by hand: first "argv" wins, nothing after it is read; a non-text key before it → rc 3', async () => {
    const argv = (w: CborWriter, words: string[]): CborWriter => words.reduce((x, t) => x.text(t), w.text('argv').arrayHeader(words.length));
    const dupArgv = argv(argv(new CborWriter().mapHeader(2), ['help']), ['kernel', 'version']).toBytes();
    expect(body(await link.ask(rawReq(W, 9, 0, dupArgv)))['o']).toContain('Available commands');
    const junkAfter = argv(new CborWriter().mapHeader(3), ['kernel', 'version']).uint(1).uint(2).uint(3).uint(4).toBytes();
    expect(body(await link.ask(rawReq(W, 9, 0, junkAfter)))['o']).toBe('\r\nZephyr version 4.0.0\r\n');
    const truncatedAfter = argv(new CborWriter().mapHeader('indefinite'), ['kernel', 'version']).raw([0x61]).toBytes();
    expect(body(await link.ask(rawReq(W, 9, 0, truncatedAfter)))['ret']).toBe(0);
    const intKeyFirst = argv(new CborWriter().mapHeader(2).uint(1).text('x'), ['kernel', 'version']).toBytes();
    expect(body(await link.ask(rawReq(W, 9, 0, intKeyFirst)))).toEqual({ rc: 3 });
    const cutArray = new CborWriter().mapHeader(1).text('argv').arrayHeader(3).text('nosuch').text('x', { claimedLength: 9 }).toBytes();
    expect(body(await link.ask(rawReq(W, 9, 0, cutArray)))).toEqual({ o: '\r\nnosuch: command not found\r\n', ret: -8 });
  });

  it('§3.7 enum count/list/single/details in the capture order; index past the end → err {10,4}', async () => {
    expect(body(await link.ask(req(R, 10, 0)))).toEqual({ count: 8 });
    expect(body(await link.ask(req(R, 10, 1)))).toEqual({ groups: [10, 8, 1, 0, 3, 9, 2, 63] });
    expect(body(await link.ask(req(R, 10, 2, { index: 0 })))).toEqual({ group: 10 });
    expect(body(await link.ask(req(R, 10, 2, { index: 7 })))).toEqual({ group: 63, end: true });
    expect(body(await link.ask(req(R, 10, 2, { index: 8 })))).toEqual({ err: { group: 10, rc: 4 } });
    expect(body(await link.ask(req(R, 10, 3, { groups: [1, 63] })))).toEqual({
      groups: [
        { group: 1, name: 'img mgmt', handlers: 7 },
        { group: 63, name: 'zephyr basic mgmt', handlers: 1 },
      ],
    });
    expect((body(await link.ask(req(R, 10, 3))) as { groups: unknown[] }).groups).toHaveLength(8);
    // enum_mgmt.c: a non-array or empty "groups" means all groups; index > 65535 → rc 3.
    expect((body(await link.ask(req(R, 10, 3, { groups: 'x' }))) as { groups: unknown[] }).groups).toHaveLength(8);
    expect((body(await link.ask(req(R, 10, 3, { groups: [] }))) as { groups: unknown[] }).groups).toHaveLength(8);
    expect(body(await link.ask(req(R, 10, 3, { groups: ['img'] })))).toEqual({ rc: 3 });
    expect(body(await link.ask(req(R, 10, 2, { index: 70000 })))).toEqual({ rc: 3 });
    expect(body(await link.ask(req(R, 10, 2, { index: 2 ** 32 })))).toEqual({ rc: 3 });
  });

  it('§3.9 zephyr basic storage erase wipes the file system', async () => {
    await link.ask(req(W, 8, 0, { off: 0, data: Uint8Array.of(1), name: '/lfs1/e', len: 1 }));
    expect(body(await link.ask(req(W, 63, 0)))).toEqual({});
    expect(body(await link.ask(req(R, 8, 1, { name: '/lfs1/e' })))).toEqual({ err: { group: 8, rc: 3 } });
  });
});
