/**
 * One shape for "a fault profile's effect is visible on the wire": for each profile, its check
 * must pass with the profile on and must fail on the healthy simulator (so the check really
 * tells the two apart).
 */
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../../src/simulator/index.ts';
import { SimLink } from './sim-link.ts';

/** A wire check: resolves when the exchange shows the profile's fault. */
export type FaultWireCheck = (link: SimLink) => Promise<void>;

/** Register one test per profile: check passes with the fault, throws without it. */
export function describeFaultsOnTheWire(title: string, checks: Record<string, FaultWireCheck>): void {
  describe(title, () => {
    for (const [name, check] of Object.entries(checks)) {
      it(`${name}: effect visible on the wire; the same exchange conforms without it`, async () => {
        for (const faults of [[name], []]) {
          const sim = await startSimulator({ udp: { port: 0 }, serial: false, faults });
          const link = await SimLink.udp(sim);
          try {
            if (faults.length > 0) await check(link);
            else await expect(check(link)).rejects.toThrow();
          } finally {
            await link.close();
            await sim.stop();
          }
        }
      }, 15_000);
    }
  });
}
