/** Which target runs `run` plans: a simulator target per SMP transport and per LwM2M client version, each with its protocols. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRunOptions } from '../../../src/cli/run-options.ts';
import { knownFaultNames } from '../../../src/cli/run-prepare.ts';
import { planTargetRuns } from '../../../src/cli/run-targets.ts';

const work = mkdtempSync(join(tmpdir(), 'run-targets-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function plans(argv: string[]) {
  return planTargetRuns(parseRunOptions(argv, () => 9), knownFaultNames());
}

function file(targets: Record<string, unknown>): string {
  const path = join(work, `t-${Object.keys(targets).join('-')}.json`);
  writeFileSync(path, JSON.stringify({ schemaVersion: 1, defaultTarget: Object.keys(targets)[0], targets }));
  return path;
}

describe('planning target runs', () => {
  it('the repository targets.json: SMP over UDP and the pty, the LwM2M client 1.0 and 1.1', async () => {
    const p = await plans([]);
    expect(p.map((x) => `${x.key} ${x.transport} ${x.protocols.join('+')} ${x.lwm2mVersion ?? '-'}`)).toEqual([
      'sim-udp udp smp -',
      'sim-serial serial smp -',
      'sim-lwm2m-1.0 lwm2m-1.0 lwm2m 1.0',
      'sim-lwm2m-1.1 lwm2m-1.1 lwm2m 1.1',
    ]);
    const lwm2m = p[2]!.target.lwm2m;
    expect(lwm2m).toEqual({ listen: 'coap://127.0.0.1:0', endpoint: 'native_sim', registrationTimeoutMs: 30_000 });
    expect(p[0]!.target.lwm2m).toBeUndefined();
  });

  it('a sim target without sim.lwm2m runs SMP only; --fault may name an LwM2M profile', async () => {
    const f = file({ smponly: { kind: 'sim', sim: { transports: ['udp'] } } });
    expect((await plans(['--targets', f])).map((x) => x.key)).toEqual(['smponly-udp']);
    const g = file({ both: { kind: 'sim', sim: { transports: ['udp'], lwm2m: { versions: ['1.1'] } } } });
    const p = await plans(['--targets', g, '--fault', 'lwm2m-ignores-accept']);
    expect(p.map((x) => `${x.key} ${x.faults.join(',')}`)).toEqual(['both-udp lwm2m-ignores-accept', 'both-lwm2m-1.1 lwm2m-ignores-accept']);
  });

  it('a board with only an lwm2m block is one LwM2M run; --lwm2m makes one ad hoc', async () => {
    const f = file({ board: { kind: 'udp', lwm2m: { listen: 'coap://127.0.0.1:5683', endpoint: 'dev' } } });
    expect((await plans(['--targets', f])).map((x) => `${x.key} ${x.transport} ${x.protocols.join('+')}`)).toEqual(['board coap lwm2m']);
    const both = file({ combo: { kind: 'udp', smp: 'udp://127.0.0.1:1337', lwm2m: { listen: 'coap://127.0.0.1:5683', endpoint: 'dev' } } });
    expect((await plans(['--targets', both])).map((x) => x.protocols.join('+'))).toEqual(['smp+lwm2m']);
    const adHoc = await plans(['--lwm2m', 'coap://127.0.0.1:5683', '--endpoint', 'dev']);
    expect(adHoc.map((x) => `${x.key} ${x.target.lwm2m?.endpoint} ${x.protocols.join('+')}`)).toEqual(['lwm2m dev lwm2m']);
    await expect(plans(['--lwm2m', 'coap://127.0.0.1', '--endpoint', 'dev'])).rejects.toThrow(/has no port/);
  });
});

describe('run --jobs', () => {
  it('bounds the target processes at once; absent, the default applies', () => {
    expect(parseRunOptions(['--jobs', '1'], () => 9).jobs).toBe(1);
    expect(parseRunOptions([], () => 9).jobs).toBeUndefined();
    expect(() => parseRunOptions(['--jobs', '0'], () => 9)).toThrow(/--jobs/);
    expect(() => parseRunOptions(['--jobs', 'two'], () => 9)).toThrow(/--jobs/);
  });
});
