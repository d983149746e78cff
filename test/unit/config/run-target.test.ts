import { describe, expect, it } from 'vitest';
import { SIM_DEFAULT_BUDGETS } from '../../../src/config/budgets.ts';
import { encodeRunTarget, runTargetFromEnv, runTargetOf } from '../../../src/config/run-target.ts';
import { builtInTargets, parseTargets } from '../../../src/config/targets.ts';
import { ConfigError } from '../../../src/errors.ts';

const choices = { transport: 'udp', seed: 77, isStrict: true, faults: ['echo-wrong'] };

describe('the target a run hands its worker (MGMT_TARGET)', () => {
  it('is the validated target as it is, with the run choices, and reads back unchanged', () => {
    const file = parseTargets(JSON.stringify({ schemaVersion: 1, defaultTarget: 'b', targets: { b: { kind: 'udp', smp: 'udp://127.0.0.1:1337', capabilities: ['smp.os.echo'], timeoutMs: 2500, lwm2m: { listen: 'coap://127.0.0.1:0', endpoint: 'dev1' } } } }), 't.json');
    expect(file.ok).toBe(true);
    if (!file.ok) return;
    const target = runTargetOf(file.value.targets['b']!, { ...choices, listening: { lwm2m: 'coap://127.0.0.1:40123' } });
    expect(target).toMatchObject({ name: 'b', kind: 'udp', smp: 'udp://127.0.0.1:1337', capabilities: ['smp.os.echo'], timeoutMs: 2500, strict: true, seed: 77, faults: ['echo-wrong'], readyTimeoutMs: 10_000 });
    expect(target.lwm2m).toEqual({ listen: 'coap://127.0.0.1:0', endpoint: 'dev1', registrationTimeoutMs: 30_000 });
    expect(runTargetFromEnv({ MGMT_TARGET: encodeRunTarget(target) })).toEqual(target);
  });

  it('takes the endpoint the run started the device on, and the budgets as configured', () => {
    const sim = builtInTargets().targets['sim']!;
    expect(runTargetOf(sim, { ...choices, smp: 'udp://127.0.0.1:40000' }).smp).toBe('udp://127.0.0.1:40000');
    expect(runTargetOf({ ...sim, budgets: { 'smp.echo.rttMs': 12 } }, choices).budgets).toEqual({ 'smp.echo.rttMs': 12 });
    expect(runTargetOf({ ...sim, budgets: {} }, choices).budgets).toEqual({});
    expect(runTargetOf(sim, choices).budgets['smp.echo.rttMs']).toBeLessThan(200);
    expect(runTargetOf({ ...sim, process: { command: ['x'], readyTimeoutMs: 4000 } }, choices).readyTimeoutMs).toBe(4000);
  });

  it('fills what a hand-written value leaves out: a sim target gets the simulator budgets, a board none', () => {
    expect(runTargetFromEnv({ MGMT_TARGET: '{"kind":"sim"}' }).budgets).toEqual(SIM_DEFAULT_BUDGETS);
    expect(runTargetFromEnv({ MGMT_TARGET: '{"kind":"sim","budgets":{}}' }).budgets).toEqual({});
    expect(runTargetFromEnv({ MGMT_TARGET: '{"kind":"udp","smp":"udp://127.0.0.1:1337"}' }).budgets).toEqual({});
    expect(runTargetFromEnv({ MGMT_TARGET: '{"kind":"serial","smp":"serial:///dev/ttyACM0?baud=115200"}' }).transport).toBe('serial');
  });

  it('defaults to a worker-started simulator when unset', () => {
    const t = runTargetFromEnv({});
    expect(t).toMatchObject({ name: 'sim', kind: 'sim', transport: 'udp', strict: false, capabilities: [], listening: {} });
    expect(t.smp).toBeUndefined();
    expect(Number.isInteger(t.seed)).toBe(true);
  });

  it('lets MGMT_SEED, MGMT_STRICT and MGMT_NO_DESTRUCTIVE override', () => {
    const t = runTargetFromEnv({ MGMT_TARGET: '{"kind":"sim","seed":5}', MGMT_SEED: '123', MGMT_STRICT: '1', MGMT_NO_DESTRUCTIVE: '1' });
    expect(t).toMatchObject({ seed: 123, strict: true, allowDestructive: false });
  });

  it.each([
    ['{', /not JSON/],
    ['[]', /must be a JSON object/],
    ['"sim"', /must be a JSON object/],
    ['{"kind":"ble"}', /kind "ble"/],
  ])('refuses garbled %s with a ConfigError naming MGMT_TARGET', (text, message) => {
    let error: unknown;
    try {
      runTargetFromEnv({ MGMT_TARGET: text });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^MGMT_TARGET/);
    expect((error as Error).message).toMatch(message);
  });
});
