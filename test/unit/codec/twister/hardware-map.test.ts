/** Twister hardware maps: entries as twister writes them, and malformed maps as typed errors. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hardwareTargetName, parseHardwareMap } from '../../../../src/codec/twister/index.ts';
import { targetsFromHardwareMap } from '../../../../src/cli/targets-twister.ts';
import { parseTargets } from '../../../../src/config/targets.ts';

const text = readFileSync(join(resolve(import.meta.dirname, '../../../..'), 'test/fixtures/twister/hardware-map.yml'), 'utf8');

describe('parseHardwareMap', () => {
  it('reads every field, keeps leading zeros of probe ids, defaults connected and available', () => {
    const r = parseHardwareMap(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value[0]).toEqual({ id: '000683759358', platform: 'nrf52840dk/nrf52840', product: 'J-Link', runner: 'nrfjprog', serial: '/dev/ttyACM0', baud: 115200, fixtures: ['gpio_loopback'], connected: true, available: true });
    expect(r.value[1]).toMatchObject({ id: '0240000032044e4500', runner: 'pyocd', connected: true, fixtures: [] });
    expect(r.value[1]?.baud).toBeUndefined();
    expect(r.value[2]?.connected).toBe(false);
    expect(hardwareTargetName(r.value[0]!)).toBe('nrf52840dk-000683759358');
  });

  it.each([
    ['not YAML', '- id: [1', undefined, undefined, /not valid YAML/],
    ['not a list', 'id: 1\nplatform: x\n', undefined, undefined, /expected a YAML list/],
    ['entry not a mapping', '- just text\n', 0, undefined, /expected a mapping/],
    ['no id', '- platform: frdm_k64f\n', 0, 'id', /missing or empty "id"/],
    ['no platform', '- id: 5\n', 0, 'platform', /missing or empty "platform"/],
    ['bad baud', '- id: 5\n  platform: x\n  baud: fast\n', 0, 'baud', /"baud" must be a positive integer, got "fast"/],
    ['fixtures not a list', '- id: 5\n  platform: x\n  fixtures: gpio\n', 0, 'fixtures', /"fixtures" must be a list/],
  ])('%s is a typed error', (_name, yaml, entry, field, message) => {
    const r = parseHardwareMap(yaml);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.entry).toBe(entry);
    expect(r.error.field).toBe(field);
    expect(r.error.message).toMatch(message);
  });
});

describe('targetsFromHardwareMap', () => {
  it('makes a valid targets.json: serial targets, runner resets, hardware kept, unconnected boards left out', () => {
    const r = parseHardwareMap(text);
    if (!r.ok) throw new Error(r.error.message);
    const { document, skipped } = targetsFromHardwareMap(r.value);
    expect(skipped).toEqual(['nucleo_f429zi-12345: not connected']);
    const parsed = parseTargets(JSON.stringify(document), 'map.yml');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const nrf = parsed.value.targets['nrf52840dk-000683759358']!;
    expect(nrf).toMatchObject({ kind: 'serial', smp: 'serial:///dev/ttyACM0?baud=115200', reset: { method: 'command', command: ['nrfjprog', '--reset', '--snr', '000683759358'] } });
    expect(nrf.hardware).toEqual({ id: '000683759358', platform: 'nrf52840dk/nrf52840', product: 'J-Link', runner: 'nrfjprog', fixtures: ['gpio_loopback'] });
    expect(parsed.value.defaultTarget).toBe('nrf52840dk-000683759358');
  });
});
