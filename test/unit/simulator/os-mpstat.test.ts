/**
 * OS memory-pool statistics (group 0, command 3; smp.md §3.1.3) over real UDP: absent by default,
 * byte for byte as the Zephyr v4.0 capture, and answered with the `os-mpstat-pools` profile.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../src/core/bytes.ts';
import { osCommands } from '../../../src/codec/smp/groups/os.ts';
import { MEM_POOLS } from '../../../src/simulator/groups/os-mpstat.ts';
import { body, header, req, udpSim } from './sim-link.ts';

const R = 0;
const W = 2;
const PROFILE = 'os-mpstat-pools';

interface CaptureExchange {
  name: string;
  request_hex: string;
  response_hex: string;
}

const capture = readFileSync(new URL('../../fixtures/captures/zephyr-v4.0-smp-udp.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as CaptureExchange);

async function withSim<T>(faults: string[], use: (link: Awaited<ReturnType<typeof udpSim>>['link']) => Promise<T>): Promise<T> {
  const { link, done } = await udpSim({ faults });
  try {
    return await use(link);
  } finally {
    await done();
  }
}

describe('os mpstat (smp.md §3.1.3)', () => {
  it('is absent by default: the capture\'s request gets the capture\'s rc 8 reply, byte for byte', async () => {
    const exchange = capture.find((e) => e.name === 'os-mpstat');
    expect(exchange, 'capture exchange os-mpstat').toBeDefined();
    const reply = await withSim([], (link) => link.ask(fromHex(exchange!.request_hex)));
    expect(reply && toHex(reply)).toBe(exchange!.response_hex);
  });

  it('is looked up as an absent id by default: unknown-command-ok answers it like any hole', async () => {
    const [mpstat, hole] = await withSim(['unknown-command-ok'], async (link) => [body(await link.ask(req(R, 0, 3))), body(await link.ask(req(R, 0, 1)))]);
    expect(hole).toEqual({});
    expect(mpstat).toEqual({});
  });

  it(`with ${PROFILE}: a success reply that decodes as os.mpstat with no unknown fields, min <= nfree <= nblks`, async () => {
    const reply = await withSim([PROFILE], (link) => link.ask(req(R, 0, 3)));
    expect(header(reply).op).toBe(1);
    const decoded = osCommands.mpstat.decodeResponse(body(reply));
    expect(decoded.ok, JSON.stringify(decoded)).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.value.unknownFields).toEqual([]);
    const pools = decoded.value.value;
    expect(Object.keys(pools)).toEqual(Object.keys(MEM_POOLS));
    for (const [name, p] of Object.entries(pools)) {
      expect(p, name).toEqual(MEM_POOLS[name]);
      expect(p.min, `${name} min`).toBeLessThanOrEqual(p.nfree);
      expect(p.nfree, `${name} nfree`).toBeLessThanOrEqual(p.nblks);
      expect(p.blksiz, `${name} blksiz`).toBeGreaterThan(0);
    }
  });

  it(`with ${PROFILE}: one pool (rx_bufs) peaks above 50 %, the others below, and the figures do not move between reads`, async () => {
    const [first, second] = await withSim([PROFILE], async (link) => [body(await link.ask(req(R, 0, 3))), body(await link.ask(req(R, 0, 3)))]);
    expect(second).toEqual(first);
    const peaks = Object.entries(first as Record<string, { nblks: number; min: number }>).map(([name, p]) => [name, ((p.nblks - p.min) / p.nblks) * 100] as const);
    expect(peaks.filter(([, peak]) => peak > 50).map(([name]) => name)).toEqual(['rx_bufs']);
  });

  it(`with ${PROFILE}: the command stays read only (a write gets rc 8), and other os commands are unchanged`, async () => {
    const [write, echo] = await withSim([PROFILE], async (link) => [body(await link.ask(req(W, 0, 3))), body(await link.ask(req(W, 0, 0, { d: 'x' })))]);
    expect(write).toEqual({ rc: 8 });
    expect(echo).toEqual({ r: 'x' });
  });
});
