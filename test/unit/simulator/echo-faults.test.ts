/**
 * The echo input-validation fault profiles, shown on the wire: each check passes against a
 * simulator with the profile on and fails against a conforming one (rc 3, MGMT_ERR_EINVAL).
 * @see docs/spec/smp.md §3.1.1
 */
import { describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../src/simulator/index.ts';
import { body, req, SimLink } from './sim-link.ts';

const W = 2;

const CHECKS: Record<string, (link: SimLink) => Promise<void>> = {
  // "d" as a byte string: a lenient decoder echoes its bytes as text.
  'echo-bstr-accepted': async (l) => expect(body(await l.ask(req(W, 0, 0, { d: new TextEncoder().encode('abcd') })))).toEqual({ r: 'abcd' }),
  // No "d": answered with an empty map, neither rc 3 nor "r": "".
  'echo-missing-d-empty-map': async (l) => expect(body(await l.ask(req(W, 0, 0, {})))).toEqual({}),
};

async function withSimulator(faults: string[], run: (link: SimLink) => Promise<void>): Promise<void> {
  const sim: RunningSimulator = await startSimulator({ udp: { port: 0 }, consoleText: false, faults });
  const link = await SimLink.udp(sim);
  try {
    await run(link);
  } finally {
    await link.close();
    await sim.stop();
  }
}

describe('echo input-validation fault profiles', () => {
  it.each(Object.keys(CHECKS))('%s: effect visible on the wire; a conforming simulator answers rc 3', async (name) => {
    const check = CHECKS[name]!;
    await withSimulator([name], check);
    await withSimulator([], async (l) => {
      await expect(check(l)).rejects.toThrow();
      expect(body(await l.ask(req(W, 0, 0, name === 'echo-bstr-accepted' ? { d: new Uint8Array(4) } : {})))).toEqual({ rc: 3 });
    });
  }, 15_000);
});
