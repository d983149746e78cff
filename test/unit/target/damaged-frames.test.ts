/**
 * A device whose every serial reply is damaged (bad CRC, or a length field without the CRC) is
 * there but defective: the session opens with a discovery problem the cases judge, instead of
 * calling the target unreachable. Real pseudo-terminal, real simulator.
 */
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../../src/simulator/index.ts';
import { Session } from '../../../src/target/session.ts';
import { formatConnectionString } from '../../../src/transport/connection-string.ts';
import { testTarget } from '../conformance/helpers/run-case.ts';

async function openAgainst(fault: string): Promise<{ problem: string | undefined; echo: boolean }> {
  const sim = await startSimulator({ udp: false, udp6: false, serial: true, faults: [fault] });
  try {
    const smp = formatConnectionString({ scheme: 'serial', path: sim.serialPath ?? '', baudRate: 115_200, raw: false });
    const session = await Session.open(testTarget({ smp, transport: 'serial', readyTimeoutMs: 900, timeoutMs: 300 }));
    try {
      return { problem: session.discoveryProblem, echo: session.capability('smp.os.echo').present };
    } finally {
      await session.close();
    }
  } finally {
    await sim.stop();
  }
}

describe('session over a link that only delivers damaged frames', () => {
  it.each([
    ['bad-crc', /^the device answered with only damaged frames \(bad-crc: CRC 0x[0-9a-f]{4} does not match/],
    ['serial-length-without-crc', /^the device answered with only damaged frames \(length-mismatch: /],
  ])('%s: opens with the problem named, capabilities assumed', async (fault, problem) => {
    const got = await openAgainst(fault);
    expect(got.problem).toMatch(problem);
    expect(got.echo).toBe(true);
  });

  it('a healthy pseudo-terminal link has no problem', async () => {
    expect((await openAgainst('echo-truncated')).problem).toBeUndefined();
  });
});
