/**
 * Every fault profile, shown on the wire: the same exchange against a conforming simulator and
 * against one with the profile on must differ exactly where the profile says.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../../src/core/bytes.ts';
import { ActiveFaults, FAULT_PROFILES } from '../../../src/simulator/faults.ts';
import { startSimulator, type RunningSimulator } from '../../../src/simulator/index.ts';
import { body, header, rawReq, req, SimLink } from './sim-link.ts';
import { testImage, uploadAll } from './image-fixtures.ts';

const R = 0;
const W = 2;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const MALFORMED = Uint8Array.of(0xa1, 0x61, 0x64, 0x65, 0x61); // text claims 5 bytes, 1 present
const imageStart = (len: number, data = new Uint8Array(256)): Record<string, unknown> => {
  data.set([0x3d, 0xb8, 0xf3, 0x96]);
  return { image: 0, len, off: 0, sha: new Uint8Array(32).fill(3), data };
};

type Check = (link: SimLink, sim: RunningSimulator) => Promise<void>;

const CHECKS: Record<string, { check: Check; serial?: boolean; options?: { bufCount?: number; serial?: { mtu: number }; fsBytes?: number } }> = {
  'wrong-seq': { check: async (l) => expect(header(await l.ask(req(W, 0, 0, { d: 'a' }, { seq: 5 }))).seq).toBe(6) },
  'wrong-response-op': { check: async (l) => expect(header(await l.ask(req(W, 0, 0, { d: 'a' }))).op).toBe(2) },
  'length-off-by-one': {
    check: async (l) => {
      const rsp = (await l.ask(req(W, 0, 0, { d: 'a' })))!;
      expect(header(rsp).length).toBe(rsp.length - 8 + 1);
    },
  },
  'bad-crc': {
    serial: true,
    check: async (l) => {
      expect(await l.collect(req(W, 0, 0, { d: 'a' }), 300)).toEqual([]);
      expect(l.events.map((e) => e.kind)).toContain('bad-crc');
    },
  },
  'serial-length-without-crc': {
    serial: true,
    check: async (l) => {
      expect(await l.collect(req(W, 0, 0, { d: 'a' }), 300)).toEqual([]);
      expect(l.events.length).toBeGreaterThan(0);
    },
  },
  'ignore-offset-mismatch': {
    check: async (l) => {
      await l.ask(req(W, 1, 1, imageStart(2048)));
      expect(body(await l.ask(req(W, 1, 1, { off: 512, data: new Uint8Array(256) })))).toEqual({ off: 768 });
    },
  },
  'accept-bad-hash': {
    check: async (l) => {
      const img = testImage();
      expect((await uploadAll(l, img.file, new Uint8Array(32).fill(9))).at(-1)).toEqual({ off: img.file.length, match: true });
    },
  },
  'accept-bad-magic': {
    check: async (l) => expect(body(await l.ask(req(W, 1, 1, { len: 100, off: 0, data: new Uint8Array(64) })))).toEqual({ off: 64 }),
  },
  'stale-state-hash': {
    check: async (l) => {
      await uploadAll(l, testImage().file);
      expect((body(await l.ask(req(R, 1, 0))) as { images: unknown[] }).images).toHaveLength(1);
    },
  },
  'v1-errors-under-v2': { check: async (l) => expect(body(await l.ask(req(R, 0, 4)))).toEqual({ rc: 5 }) },
  'unknown-group-ok': { check: async (l) => expect(body(await l.ask(req(R, 40, 0)))).toEqual({}) },
  'echo-truncated': {
    check: async (l) => {
      expect(body(await l.ask(req(W, 0, 0, { d: 'e'.repeat(100) })))).toEqual({ r: 'e'.repeat(64) });
      expect(body(await l.ask(req(W, 0, 0, { d: 'short' })))).toEqual({ r: 'short' });
    },
  },
  'crash-after-malformed': {
    check: async (l) => {
      expect(body(await l.ask(rawReq(W, 0, 0, MALFORMED)))).toEqual({ rc: 3 });
      expect(await l.collect(req(W, 0, 0, { d: 'alive?' }), 250)).toEqual([]);
    },
  },
  'slow-replies': {
    check: async (l) => {
      const t = performance.now();
      expect(body(await l.ask(req(W, 0, 0, { d: 'a' })))).toEqual({ r: 'a' });
      expect(performance.now() - t).toBeGreaterThanOrEqual(190);
    },
  },
  'drop-every-nth': {
    check: async (l) => {
      let answered = 0;
      for (let i = 0; i < 10; i++) if ((await l.collect(req(W, 0, 0, { d: `${i}` }, { seq: i }), 40)).length > 0) answered++;
      expect(answered).toBe(8);
    },
  },
  'leak-buffer-on-malformed': {
    // Three buffers. A request and its response need two; with one left a request is answered
    // rc 2 (ENOMEM) from its own buffer; the third leak leaves none, and the device is silent.
    options: { bufCount: 3 },
    check: async (l) => {
      expect(body(await l.ask(rawReq(W, 0, 0, MALFORMED)))).toEqual({ rc: 3 });
      expect(body(await l.ask(req(W, 0, 0, { d: 'two buffers left' })))).toEqual({ r: 'two buffers left' });
      expect(body(await l.ask(rawReq(W, 0, 0, MALFORMED)))).toEqual({ rc: 3 });
      expect(body(await l.ask(req(W, 0, 0, { d: 'one buffer left' })))).toEqual({ rc: 2 });
      expect(body(await l.ask(rawReq(W, 0, 0, MALFORMED)))).toEqual({ rc: 2 });
      expect(await l.collect(req(W, 0, 0, { d: 'alive?' }), 250)).toEqual([]);
    },
  },
  'reset-does-nothing': {
    check: async (l) => {
      await l.ask(req(W, 0, 4, { datetime: '2026-11-28T12:00:00' }));
      expect(body(await l.ask(req(W, 0, 5)))).toEqual({});
      await sleep(400);
      expect(body(await l.ask(req(R, 0, 4)))['datetime']).toBeDefined();
    },
  },
  'taskstat-stack-overflow': {
    check: async (l) => {
      const tasks = Object.values((body(await l.ask(req(R, 0, 2))) as { tasks: Record<string, { stkuse: number; stksiz: number }> }).tasks);
      expect(tasks.some((t) => t.stkuse > t.stksiz)).toBe(true);
    },
  },
  'datetime-not-stored': {
    check: async (l) => {
      expect(body(await l.ask(req(W, 0, 4, { datetime: '2026-11-28T12:00:00' })))).toEqual({});
      expect(body(await l.ask(req(R, 0, 4)))).toEqual({ err: { group: 0, rc: 4 } });
    },
  },
  'settings-not-persisted': {
    check: async (l) => {
      await l.ask(req(W, 3, 0, { name: 'test/k', val: Uint8Array.of(1) }));
      expect(body(await l.ask(req(W, 3, 3)))).toEqual({});
      await l.ask(req(W, 0, 5));
      await sleep(400);
      expect(body(await l.ask(req(R, 3, 0, { name: 'test/k' })))).toEqual({ err: { group: 3, rc: 3 } });
    },
  },
  'fs-hash-wrong': {
    check: async (l) => {
      await l.ask(req(W, 8, 0, { off: 0, data: Uint8Array.of(1, 2, 3), name: '/lfs1/h', len: 3 }));
      expect(body(await l.ask(req(R, 8, 2, { name: '/lfs1/h' })))['output']).toBe(0x55bc801d ^ 1);
    },
  },
  'silent-on-bad-length': {
    check: async (l) => expect(await l.collect(Uint8Array.from([0x0a, 0, 0, 9, 0, 0, 1, 0, 0xa0]), 250)).toEqual([]),
  },
  'upload-no-resume': {
    check: async (l) => {
      const start = imageStart(2048);
      await l.ask(req(W, 1, 1, start));
      await l.ask(req(W, 1, 1, { off: 256, data: new Uint8Array(256) }));
      expect(body(await l.ask(req(W, 1, 1, start)))).toEqual({ off: 256 });
    },
  },
  'erase-keeps-upload-state': {
    check: async (l) => {
      await l.ask(req(W, 1, 1, imageStart(2048)));
      await l.ask(req(W, 1, 5));
      expect(body(await l.ask(req(W, 1, 1, { off: 256, data: new Uint8Array(256) })))).toEqual({ off: 512 });
    },
  },
  'upload-too-large-accepted': {
    check: async (l) => expect(body(await l.ask(req(W, 1, 1, imageStart(0x69001))))).toEqual({ off: 256 }),
  },
  'no-emsgsize': {
    check: async (l) => expect(header(await l.ask(req(R, 2, 0, { name: 'flash_sim_stats' }))).length).toBeGreaterThan(2048),
  },
  'continue-after-error': {
    check: async (l) => {
      const got = await l.collect(concatBytes(req(R, 40, 0, {}, { seq: 1 }), req(W, 0, 0, { d: 'two' }, { seq: 2 })), 200);
      expect(got.map((p) => body(p))).toEqual([{ rc: 8 }, { r: 'two' }]);
    },
  },
  'params-zero-count': { check: async (l) => expect(body(await l.ask(req(R, 0, 6)))['buf_count']).toBe(0) },
  'info-format-ignored': { check: async (l) => expect(body(await l.ask(req(R, 0, 7, { format: 'x' })))['output']).toMatch(/^Zephyr unknown /) },
  'bootloader-info-confused': { check: async (l) => expect(body(await l.ask(req(R, 0, 8)))).toEqual({ mode: 3 }) },
  'bootloader-info-rc-form': { check: async (l) => expect(body(await l.ask(req(R, 0, 8, { query: 'foo' })))).toEqual({ rc: 3 }) },
  'datetime-lenient': { check: async (l) => expect(body(await l.ask(req(W, 0, 4, { datetime: '2026-13-28T12:00:00' })))).toEqual({}) },
  'stat-show-ignores-name': { check: async (l) => expect(body(await l.ask(req(R, 2, 0, { name: 'nope' })))['name']).toBe('smp_svr_stats') },
  'settings-write-ignored': {
    check: async (l) => {
      expect(body(await l.ask(req(W, 3, 0, { name: 'test/w', val: Uint8Array.of(1) })))).toEqual({});
      expect(body(await l.ask(req(R, 3, 0, { name: 'test/w' })))).toEqual({ err: { group: 3, rc: 3 } });
    },
  },
  'shell-exec-fake': { check: async (l) => expect(body(await l.ask(req(W, 9, 0, { argv: ['kernel', 'version'] })))).toEqual({ o: '', ret: 0 }) },
  'enum-inconsistent': { check: async (l) => expect(body(await l.ask(req(R, 10, 1)))['groups']).toEqual([10, 10, 8, 1, 0, 3, 9, 2, 63]) },
  'enum-single-lenient': { check: async (l) => expect(body(await l.ask(req(R, 10, 2)))).toEqual({ group: 63, end: true }) },
  'stat-counters-frozen': {
    check: async (l) => {
      const ticks = async (): Promise<unknown> => (body(await l.ask(req(R, 2, 0, { name: 'smp_svr_stats' }))) as { fields: Record<string, unknown> }).fields['ticks'];
      const first = await ticks();
      await sleep(1100);
      expect(await ticks()).toBe(first);
    },
  },
  'stat-list-duplicates': { check: async (l) => expect(body(await l.ask(req(R, 2, 1)))['stat_list']).toHaveLength(4) },
  'stat-err-basic-group': { check: async (l) => expect(body(await l.ask(req(R, 2, 0, { name: 'no-such-group' })))).toEqual({ err: { group: 63, rc: 3 } }) },
  // A 400-byte echo is over the 256-byte serial MTU: Zephyr drops it, the profile answers it.
  'serial-mtu-overflow-processed': {
    serial: true,
    options: { serial: { mtu: 256 } },
    check: async (l) => expect(await l.ask(req(W, 0, 0, { d: 'm'.repeat(400) }))).toBeDefined(),
  },
  // A 100-byte file system: the second 64-byte chunk does not fit, yet the profile acknowledges it.
  'fs-full-reports-ok': {
    options: { fsBytes: 100 },
    check: async (l) => {
      const data = new Uint8Array(64).fill(7);
      expect(body(await l.ask(req(W, 8, 0, { off: 0, data, name: '/lfs1/full', len: 128 })))).toEqual({ off: 64 });
      expect(body(await l.ask(req(W, 8, 0, { off: 64, data, name: '/lfs1/full' })))).toEqual({ off: 128 });
    },
  },
  'storage-erase-fails': { check: async (l) => expect(body(await l.ask(req(W, 63, 0)))).toEqual({ err: { group: 63, rc: 4 } }) },
};

describe('fault profiles (each breaks exactly one behaviour)', () => {
  it('every profile is exercised by a simulator test file, and every entry here names a profile', () => {
    const names = FAULT_PROFILES.map((p) => p.name);
    for (const name of Object.keys(CHECKS)) expect(names).toContain(name);
    const dir = fileURLToPath(new URL('.', import.meta.url));
    const sources = readdirSync(dir)
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    expect(names.filter((n) => !sources.includes(`'${n}`))).toEqual([]);
    expect(FAULT_PROFILES.length).toBeGreaterThanOrEqual(16);
  });

  it.each(Object.keys(CHECKS))('%s: effect visible on the wire; the same exchange conforms without it', async (name) => {
    const entry = CHECKS[name]!;
    const faults = name === 'slow-replies' ? ['slow-replies:200'] : name === 'drop-every-nth' ? ['drop-every-nth:5'] : [name];
    const sim = await startSimulator({ udp: { port: 0 }, serial: entry.serial === true, consoleText: false, faults, ...entry.options });
    const link = entry.serial === true ? await SimLink.serial(sim) : await SimLink.udp(sim);
    try {
      await entry.check(link, sim);
    } finally {
      await link.close();
      await sim.stop();
    }
    const clean = await startSimulator({ udp: { port: 0 }, serial: entry.serial === true, consoleText: false, ...entry.options });
    const cleanLink = entry.serial === true ? await SimLink.serial(clean) : await SimLink.udp(clean);
    try {
      await expect(entry.check(cleanLink, clean)).rejects.toThrow();
    } finally {
      await cleanLink.close();
      await clean.stop();
    }
  }, 15_000);

  it('serial framing faults do not touch UDP replies', async () => {
    const sim = await startSimulator({ udp: { port: 0 }, faults: ['bad-crc'] });
    const link = await SimLink.udp(sim);
    try {
      expect(body(await link.ask(req(W, 0, 0, { d: 'udp' })))).toEqual({ r: 'udp' });
    } finally {
      await link.close();
      await sim.stop();
    }
  });
});

describe('ActiveFaults.parse', () => {
  it('parses names and parameters; reports unknown names and bad parameters', () => {
    const parsed = ActiveFaults.parse(['slow-replies:50', 'wrong-seq', 'echo-truncated']);
    expect(parsed.ok && parsed.value.param('slow-replies')).toBe(50);
    expect(parsed.ok && parsed.value.param('echo-truncated')).toBe(64);
    expect(parsed.ok && parsed.value.has('wrong-seq')).toBe(true);
    expect(parsed.ok && parsed.value.has('bad-crc')).toBe(false);
    expect(ActiveFaults.parse(['no-such'])).toEqual({ ok: false, error: 'unknown fault profile "no-such"' });
    expect(ActiveFaults.parse(['wrong-seq:3']).ok).toBe(false);
    expect(ActiveFaults.parse(['drop-every-nth:x']).ok).toBe(false);
  });

  it('takes only known profile names in has/param (a misspelt name does not compile)', () => {
    const none = ActiveFaults.none();
    // @ts-expect-error -- 'wrong-seqq' is not a FaultName
    expect(none.has('wrong-seqq')).toBe(false);
    // @ts-expect-error -- 'slow-reply' is not a FaultName
    expect(none.param('slow-reply')).toBeUndefined();
  });

  it('startSimulator refuses an unknown profile with a ConfigError', async () => {
    await expect(startSimulator({ udp: false, faults: ['nope'] })).rejects.toThrow(/unknown fault profile/);
  });
});
