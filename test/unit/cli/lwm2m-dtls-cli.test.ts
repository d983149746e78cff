/**
 * LwM2M over DTLS-PSK through the real CLI: a `sim` target whose `lwm2m.security` is PSK runs the
 * registration, dm-read and security suites with the simulated client connecting over coaps://
 * (every case as over plain CoAP, plus the handshake judged); the same target in NoSec mode gets
 * the `lwm2m-nosec` finding in summary.json and in its certificate, the PSK one does not.
 */
import { readdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSummary, runCli } from '../../selftest/cli-runner.ts';

const work = mkdtempSync(join(tmpdir(), 'lwm2m-dtls-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const PSK = { mode: 'psk', identity: 'native_sim_lwm2m11', key: '000102030405060708090a0b0c0d0e0f' };
const SUITES = ['lwm2m/registration', 'lwm2m/dm-read', 'lwm2m/security'];

/** A sim target running only the 1.1 client, with the given `lwm2m` block. */
function targetsFile(name: string, lwm2m: Record<string, unknown>): string {
  const file = join(work, `${name}.json`);
  const target = { kind: 'sim', sim: { transports: ['udp'], lwm2m: { versions: ['1.1'] } }, lwm2m: { endpoint: 'native_sim_lwm2m11', ...lwm2m } };
  writeFileSync(file, JSON.stringify({ schemaVersion: 1, defaultTarget: name, targets: { [name]: target } }));
  return file;
}

async function runSuites(name: string, lwm2m: Record<string, unknown>, suites: readonly string[] = SUITES) {
  const out = join(work, `${name}-out`);
  const r = await runCli(['run', '--targets', targetsFile(name, lwm2m), ...suites.flatMap((s) => ['--suite', s]), '--out', out, '--json', '--seed', '5'], 300_000);
  const summary = readSummary(out);
  return { r, out, target: summary?.targets[0] };
}

function certificateText(out: string): string {
  const dirs = readdirSync(out, { withFileTypes: true }).filter((d) => d.isDirectory() && readdirSync(join(out, d.name)).includes('certificate.md'));
  return dirs.map((d) => readFileSync(join(out, d.name, 'certificate.md'), 'utf8')).join('\n');
}

describe('LwM2M over DTLS-PSK through the CLI (real processes, loopback)', () => {
  it('a PSK target: the client registers over coaps://, registration and read cases pass, the handshake case passes, no NoSec finding', async () => {
    const { r, out, target } = await runSuites('dtls', { listen: 'coaps://127.0.0.1:0', security: PSK });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(target?.transport).toBe('lwm2m-1.1');
    const byId = new Map(target!.cases.map((c) => [c.id, c]));
    expect(byId.get('LWM2M-REG-001')?.outcome).toBe('pass');
    expect(byId.get('LWM2M-DM-READ-001')?.outcome).toBe('pass');
    expect(byId.get('LWM2M-SEC-DTLS-001')?.outcome).toBe('pass');
    expect(target!.cases.filter((c) => c.outcome === 'fail' || c.outcome === 'broken')).toEqual([]);
    const lwm2m = target!.identity['lwm2m'] as Record<string, unknown>;
    expect(lwm2m).toMatchObject({ securityMode: 'psk', dtlsCipherSuite: 'TLS_PSK_WITH_AES_128_CCM_8', dtlsIdentities: [PSK.identity] });
    expect(lwm2m['dtlsHandshakeMs']).toBeGreaterThan(0);
    expect((target!.securityFindings ?? []).map((f) => f.id)).not.toContain('lwm2m-nosec');
    const report = await runCli(['report', '--no-allure', out], 60_000);
    expect(report.code, report.stderr).toBe(0);
    expect(certificateText(out)).not.toContain('LwM2M in NoSec mode');
  }, 400_000);

  it('the same target in NoSec mode: the handshake case is unsupported and summary.json and the certificate carry lwm2m-nosec', async () => {
    const { r, out, target } = await runSuites('nosec', { listen: 'coap://127.0.0.1:0', security: { mode: 'nosec' } }, ['lwm2m/registration', 'lwm2m/security']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const byId = new Map(target!.cases.map((c) => [c.id, c]));
    expect(byId.get('LWM2M-REG-001')?.outcome).toBe('pass');
    expect(byId.get('LWM2M-SEC-DTLS-001')?.outcome).toBe('unsupported');
    const nosec = target!.securityFindings?.find((f) => f.id === 'lwm2m-nosec');
    expect(nosec?.caseIds).toContain('LWM2M-REG-001');
    expect(nosec?.detail).toMatch(/security mode nosec/);
    const report = await runCli(['report', '--no-allure', out], 60_000);
    expect(report.code, report.stderr).toBe(0);
    expect(certificateText(out)).toContain('LwM2M in NoSec mode');
  }, 400_000);
});
