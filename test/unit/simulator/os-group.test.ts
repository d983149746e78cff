/**
 * OS group (smp.md §3.1) over real UDP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex } from '../../../src/core/bytes.ts';
import { parseDatetime } from '../../../src/simulator/groups/os-datetime.ts';
import { body, header, rawReq, req, udpSim, type SimLink } from './sim-link.ts';

const R = 0;
const W = 2;

describe('os group (smp.md §3.1)', () => {
  let link: SimLink;
  let done: () => Promise<void>;
  beforeAll(async () => {
    ({ link, done } = await udpSim());
  });
  afterAll(() => done());

  it('§3.1.1 echo with op 0 and op 2; "" echoes ""', async () => {
    expect(header(await link.ask(req(R, 0, 0, { d: 'r' }))).op).toBe(1);
    expect(body(await link.ask(req(W, 0, 0, { d: '' })))).toEqual({ r: '' });
  });

  it('§3.1.1 echo without "d" → rc 3 (newest behaviour, PR #117166); "d" as bytes → rc 3', async () => {
    expect(body(await link.ask(req(W, 0, 0, {})))).toEqual({ rc: 3 });
    expect(body(await link.ask(req(W, 0, 0, { d: new Uint8Array([1]) })))).toEqual({ rc: 3 });
  });

  it('§1.7 zcbor rules: duplicate known key, non-text key, not a map, truncated → rc 3; unknown key skipped; indefinite map accepted', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['a2616461786164617a', { rc: 3 }], // {"d":"x","d":"z"}: duplicate known key
      ['a20161786164617a', { rc: 3 }], // {1:"x","d":"z"}: non-text key
      ['816164', { rc: 3 }], // ["d"]: not a map
      ['a1616465616263', { rc: 3 }], // text claims 5 bytes, 3 present
      ['a16164416d', { rc: 3 }], // {"d": h'6d'}: wrong major type
      ['a26178016164617a', { r: 'z' }], // {"x":1,"d":"z"}: unknown key skipped
    ];
    for (const [hex, expected] of cases) expect(body(await link.ask(rawReq(W, 0, 0, fromHex(hex))))).toEqual(expected);
    expect(body(await link.ask(rawReq(W, 0, 0, fromHex('bf61646162ff'))))).toEqual({ r: 'b' });
  });

  it('§3.1.2 taskstat: threads with prio/tid/state/stksiz/stkuse/runtime; runtime moves; stkuse <= stksiz', async () => {
    const first = body(await link.ask(req(R, 0, 2))) as { tasks: Record<string, Record<string, number>> };
    await new Promise((r) => setTimeout(r, 50));
    const second = body(await link.ask(req(R, 0, 2))) as { tasks: Record<string, Record<string, number>> };
    expect(Object.keys(first.tasks)).toEqual(expect.arrayContaining(['mcumgr smp', 'smp_udp4', 'idle', 'main']));
    const idle = first.tasks['idle']!;
    expect(Object.keys(idle)).toEqual(['prio', 'tid', 'state', 'stksiz', 'stkuse', 'runtime', 'cswcnt', 'last_checkin', 'next_checkin']);
    expect(second.tasks['idle']!['runtime']).toBeGreaterThan(idle['runtime']!);
    for (const t of Object.values(second.tasks)) expect(t['stkuse']).toBeLessThanOrEqual(t['stksiz']!);
    expect(first.tasks['conn_mgr_monitor']!['prio']).toBe(-1);
  });

  it('§3.1.4 datetime: unset → err {0,4}; set then get with .000 ms; out-of-range and long forms → rc 3; 30 Feb → err {0,5}', async () => {
    expect(body(await link.ask(req(R, 0, 4)))).toEqual({ err: { group: 0, rc: 4 } });
    expect(body(await link.ask(req(W, 0, 4, { datetime: '2026-11-28T12:00:00' })))).toEqual({});
    expect(body(await link.ask(req(R, 0, 4)))['datetime']).toMatch(/^2026-11-28T12:00:0[0-2]\.000$/);
    expect(body(await link.ask(req(W, 0, 4, { datetime: '2026-11-28T12:00:00.000000+00:00' })))).toEqual({ rc: 3 });
    expect(body(await link.ask(req(W, 0, 4, { datetime: '2026-13-28T12:00:00' })))).toEqual({ rc: 3 });
    expect(body(await link.ask(req(W, 0, 4, { datetime: '2026-02-30T00:00:00' })))).toEqual({ err: { group: 0, rc: 5 } });
    expect(body(await link.ask(req(W, 0, 4, { datetime: '2026-01-02T03:04:05.5Z' })))).toEqual({});
    expect(body(await link.ask(req(R, 0, 4)))['datetime']).toMatch(/^2026-01-02T03:04:0[5-7]\.005$/);
  });

  it('§3.1.6 params → {buf_size: 2048, buf_count: 2}', async () => {
    expect(body(await link.ask(req(R, 0, 6)))).toEqual({ buf_size: 2048, buf_count: 2 });
  });

  it.each([
    [{}, { output: 'Zephyr' }],
    [{ format: '' }, { output: 'Zephyr' }],
    [{ format: 'a' }, { output: 'Zephyr unknown 0d6f47a50097 4.0.0 Sat Nov 28 08:04:56 2026 posix unknown native_sim Zephyr' }],
    [{ format: 'ois' }, { output: 'Zephyr native_sim Zephyr' }],
    [{ format: 'vv' }, { output: '4.0.0' }],
    [{ format: 'x' }, { err: { group: 0, rc: 2 } }],
    [{ format: 1 }, { rc: 3 }],
  ])('§3.1.7 info %j → %j', async (request, expected) => {
    expect(body(await link.ask(req(R, 0, 7, request)))).toEqual(expected);
  });

  it('§3.1.7 info "x" under v1 → rc 3 (translation of INVALID_FORMAT)', async () => {
    expect(body(await link.ask(req(R, 0, 7, { format: 'x' }, { version: 0 })))).toEqual({ rc: 3 });
  });

  it.each([
    [{}, { bootloader: 'MCUboot' }],
    [{ query: 'mode' }, { mode: 3 }],
    // The group 0 text expects the v2 error; Zephyr v4.0's rc 3 is the `bootloader-info-rc-form` fault.
    [{ query: 'foo' }, { err: { group: 0, rc: 3 } }],
    [{ query: 7 }, { rc: 3 }],
  ])('§3.1.8 bootloader info %j → %j', async (request, expected) => {
    expect(body(await link.ask(req(R, 0, 8, request)))).toEqual(expected);
  });
});

describe('os reset (smp.md §3.1.5, §6.7 item 64)', () => {
  it('replies {} first; after the reboot the upload state and the RTC are gone, endpoints keep running', async () => {
    const { link, done } = await udpSim();
    try {
      await link.ask(req(W, 0, 4, { datetime: '2026-11-28T12:00:00' }));
      const image = new Uint8Array(64);
      image.set([0x3d, 0xb8, 0xf3, 0x96]);
      expect(body(await link.ask(req(W, 1, 1, { image: 0, len: 128, off: 0, sha: new Uint8Array(32).fill(1), data: image })))).toEqual({ off: 64 });
      expect(body(await link.ask(req(W, 0, 5, { force: 1 })))).toEqual({});
      expect(body(await link.ask(req(R, 0, 4)))['datetime']).toBeDefined();
      await new Promise((r) => setTimeout(r, 400));
      expect(body(await link.ask(req(R, 0, 4)))).toEqual({ err: { group: 0, rc: 4 } });
      expect(body(await link.ask(req(W, 1, 1, { off: 64, data: new Uint8Array(64) })))).toEqual({ off: 0 });
    } finally {
      await done();
    }
  });
});

describe('parseDatetime (smp.md §3.1.4 parsing rules)', () => {
  it.each([
    ['2024-02-29T23:59:59', { year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 59, ms: 0 }],
    ['2024/02/29 23.59.59', { year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 59, ms: 0 }],
    ['2024-02-29T23:59:59.123', { year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 59, ms: 123 }],
    ['2024-02-29T23:59:59+01:00', { year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 59, ms: 0 }],
    ['2024- 2-+9T 3:05:06.x', { year: 2024, month: 2, day: 9, hour: 3, minute: 5, second: 6, ms: 0 }],
    ['2024-02-29T23:59:59. 42', { year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 59, ms: 42 }],
  ])('%s parses (strtol rules: blanks and a sign before a field are accepted)', (text, expected) => {
    expect(parseDatetime(text)).toEqual(expected);
  });

  it.each(['2024-02-29T23:59', '2024-02-29T23:59:59.123456+0100', '1899-01-01T00:00:00', '2024-00-01T00:00:00', '2024-01-32T00:00:00', '2024-01-01T24:00:00', '2024-01-01T00:60:00', '2024-01-01T00:00:60', '2024-01-01T00:00:00.1000', 'abcd-01-01T00:00:00', '2024-01-01T00:00:00.-5', '2024--1-01T00:00:00'])(
    '%s is refused',
    (text) => {
      expect(parseDatetime(text)).toBeUndefined();
    },
  );
});
