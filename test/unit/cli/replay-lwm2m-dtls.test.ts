/**
 * `replay` of an LwM2M reproducer over DTLS 1.2 PSK through the real CLI: targets whose
 * `lwm2m.security` is PSK, so the harness listens as a coaps:// server and the frames go to the
 * registered endpoint inside its DTLS association. A process target whose client crashes on a
 * CoAP option with the reserved nibble 15 and parses only what arrives inside the association
 * (test/fixtures/process-target/lwm2m-dtls-malformed-crash.ts) dies again, so the frames went
 * through DTLS; the built-in simulated client over DTLS survives the same frames; and the same
 * process target holding another key than the target's fails the replay, naming the DTLS alert.
 * @see docs/architecture.md "Crashes, blocked cases and recovery"
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { RESERVED_NIBBLE, writeLwm2mCrashReproducer } from './helpers/lwm2m-crash-reproducer.ts';
import { PACKAGE_ROOT, runCli } from '../../selftest/cli-runner.ts';

const work = mkdtempSync(join(tmpdir(), 'replay-lwm2m-dtls-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const fixture = join(PACKAGE_ROOT, 'test/fixtures/process-target/lwm2m-dtls-malformed-crash.ts');
const KEY = '000102030405060708090a0b0c0d0e0f';
const OTHER_KEY = 'f0e0d0c0b0a090807060504030201000';
const reproducer = join(work, 'crash-LWM2M-TEST-001.jsonl');
writeLwm2mCrashReproducer(reproducer);

/** The crashing DTLS client as a process target: the server side knows KEY, the device holds `deviceKey`. */
function crashyTarget(deviceKey: string, registrationTimeoutMs: number): Record<string, unknown> {
  return {
    kind: 'process',
    process: { command: [process.execPath, '--import', tsx, fixture], env: { ENDPOINT: 'proc-dtls', PSK_IDENTITY: 'proc-dtls', PSK_KEY: deviceKey } },
    lwm2m: { listen: 'coaps://127.0.0.1:0', endpoint: 'proc-dtls', registrationTimeoutMs, security: { mode: 'psk', identity: 'proc-dtls', key: KEY } },
    timeoutMs: 1000,
  };
}

const targets = join(work, 'dtls-targets.json');
writeFileSync(
  targets,
  JSON.stringify({
    schemaVersion: 1,
    defaultTarget: 'crashy',
    targets: {
      crashy: crashyTarget(KEY, 20_000),
      'wrong-key': crashyTarget(OTHER_KEY, 3000),
      sim: {
        kind: 'sim',
        sim: { transports: ['udp'], lwm2m: { versions: ['1.1'] } },
        lwm2m: { listen: 'coaps://127.0.0.1:0', endpoint: 'native_sim_lwm2m11', security: { mode: 'psk', identity: 'native_sim_lwm2m11', key: KEY } },
      },
    },
  }),
);

const replay = (target: string) => runCli(['replay', reproducer, '--targets', targets, '--target', target, '--timeout', '1000'], 60_000, work);

describe('replay of an LwM2M reproducer over DTLS-PSK', () => {
  it('the crashing DTLS client dies again, the simulated DTLS client survives, a wrong key fails naming the alert', async () => {
    const [crashy, sim, wrongKey] = await Promise.all([replay('crashy'), replay('sim'), replay('wrong-key')]);
    expect(crashy.stdout, crashy.stderr).toContain('replaying 3 frame(s) of LWM2M-TEST-001 (process exited with status 3)');
    expect(crashy.stdout, crashy.stderr).toContain('the device died again: the crash reproduces');
    expect(crashy.code).toBe(1);
    expect(sim.stdout, sim.stderr).toContain('the device survived: the crash does not reproduce');
    expect(sim.code).toBe(0);
    // The server knows the identity with another key: the client's Finished does not verify.
    expect(wrongKey.code, wrongKey.stdout + wrongKey.stderr).toBe(2);
    expect(wrongKey.stderr).toMatch(/proc-dtls.*DTLS handshake\(s\) failed: sent fatal alert decrypt_error \(51\)/);
    expect(wrongKey.stdout).not.toContain('the device');
  }, 90_000);
});
