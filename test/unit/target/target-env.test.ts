import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.ts';
import { SIM_DEFAULT_BUDGETS } from '../../../src/config/budgets.ts';
import { parseTargetEnv, targetFromEnv } from '../../../src/target/target-env.ts';

describe('MGMT_TARGET', () => {
  it('reads what the run command writes (TargetEnvironment)', () => {
    const text = JSON.stringify({ name: 'sim', kind: 'sim', smp: 'udp://127.0.0.1:40000', transport: 'udp', capabilities: ['smp.os.echo'], timeoutMs: 2500, strict: true, seed: 77, faults: ['echo-wrong'] });
    const t = parseTargetEnv(text);
    expect(t.ok && t.value).toEqual({
      name: 'sim', kind: 'sim', smp: 'udp://127.0.0.1:40000', transport: 'udp', capabilities: ['smp.os.echo'], timeoutMs: 2500,
      strict: true, seed: 77, faults: ['echo-wrong'], allowDestructive: true, readyTimeoutMs: 10_000, budgets: SIM_DEFAULT_BUDGETS,
    });
  });

  it('carries the budgets it is given; without any, a sim target gets the simulator defaults and a board none', () => {
    const given = parseTargetEnv('{"kind":"udp","smp":"udp://127.0.0.1:1337","budgets":{"smp.echo.rttMs":20}}');
    expect(given.ok && given.value.budgets).toEqual({ 'smp.echo.rttMs': 20 });
    expect(targetFromEnv({ MGMT_TARGET: '{"kind":"sim","budgets":{}}' }).budgets).toEqual({});
    expect(targetFromEnv({}).budgets).toEqual(SIM_DEFAULT_BUDGETS);
    expect(targetFromEnv({ MGMT_TARGET: '{"kind":"udp","smp":"udp://127.0.0.1:1337"}' }).budgets).toEqual({});
  });

  it('defaults to a worker-started simulator when unset', () => {
    const t = targetFromEnv({});
    expect(t).toMatchObject({ name: 'sim', kind: 'sim', smp: undefined, transport: 'udp', strict: false, capabilities: [] });
    expect(Number.isInteger(t.seed)).toBe(true);
  });

  it('lets MGMT_SEED, MGMT_STRICT and MGMT_NO_DESTRUCTIVE override', () => {
    const t = targetFromEnv({ MGMT_TARGET: '{"kind":"sim","seed":5}', MGMT_SEED: '123', MGMT_STRICT: '1', MGMT_NO_DESTRUCTIVE: '1' });
    expect(t).toMatchObject({ seed: 123, strict: true, allowDestructive: false });
    expect(targetFromEnv({ MGMT_TARGET: '{"kind":"serial","smp":"serial:///dev/ttyACM0?baud=115200"}' }).transport).toBe('serial');
  });

  it.each([
    ['{', /not JSON/],
    ['[]', /must be a JSON object/],
    ['{"kind":"ble"}', /kind "ble"/],
    ['{"kind":"udp"}', /needs "smp"/],
    ['{"kind":"sim","timeoutMs":-1}', /timeoutMs must be a positive integer/],
    ['{"kind":"sim","capabilities":"smp.os.echo"}', /capabilities must be a list of strings/],
    ['{"kind":"sim","budgets":[]}', /budgets must be an object/],
    ['{"kind":"sim","budgets":{"smp.echo.rttMs":0}}', /budget smp.echo.rttMs must be a positive number/],
  ])('refuses %s with a ConfigError pointing into MGMT_TARGET', (text, message) => {
    const t = parseTargetEnv(text);
    expect(t.ok).toBe(false);
    if (!t.ok) {
      expect(t.error).toBeInstanceOf(ConfigError);
      expect(t.error.message).toMatch(/^MGMT_TARGET/);
      expect(t.error.message).toMatch(message);
    }
    expect(() => targetFromEnv({ MGMT_TARGET: text })).toThrow(ConfigError);
  });
});
