/**
 * Targets from a Zephyr twister hardware map: each connected board with a serial port becomes a
 * `serial` target (its console port, at the map's baud rate), its reset a runner command where
 * the runner has one, and its id / platform / product / runner / fixtures kept under `hardware`.
 * The result goes through the same schema and checks as a hand-written targets.json.
 */
import { readFile } from 'node:fs/promises';
import { parseTargets, type TargetsCheckOptions, type TargetsFile } from '../config/index.ts';
import { hardwareTargetName, parseHardwareMap, type HardwareMapEntry } from '../codec/twister/index.ts';
import { ConfigError, InputFileError } from '../errors.ts';

/** Baud rate of a board whose map entry names none (twister's default). */
export const TWISTER_DEFAULT_BAUD = 115_200;

/** Reset commands of runners that can reset one probe by its id. */
function runnerReset(e: HardwareMapEntry): Record<string, unknown> | undefined {
  if (e.runner === 'nrfjprog') return { method: 'command', command: ['nrfjprog', '--reset', '--snr', e.id] };
  if (e.runner === 'pyocd') return { method: 'command', command: ['pyocd', 'reset', '--uid', e.id] };
  return undefined;
}

/** The targets.json document for a hardware map, and the boards left out with why. */
export function targetsFromHardwareMap(entries: readonly HardwareMapEntry[]): { document: Record<string, unknown>; skipped: string[] } {
  const targets: Record<string, unknown> = {};
  const skipped: string[] = [];
  for (const e of entries) {
    const name = hardwareTargetName(e);
    if (!e.connected) skipped.push(`${name}: not connected`);
    else if (e.serial === undefined) skipped.push(`${name}: no serial port`);
    else {
      const reset = runnerReset(e);
      targets[name] = {
        description: `${e.product ?? 'board'} ${e.platform} (probe ${e.id}${e.runner ? `, runner ${e.runner}` : ''}), from a twister hardware map`,
        kind: 'serial',
        smp: `serial://${e.serial}?baud=${e.baud ?? TWISTER_DEFAULT_BAUD}`,
        ...(reset ? { reset } : {}),
        hardware: { id: e.id, platform: e.platform, ...(e.product ? { product: e.product } : {}), ...(e.runner ? { runner: e.runner } : {}), ...(e.fixtures.length > 0 ? { fixtures: e.fixtures } : {}) },
      };
    }
  }
  const names = Object.keys(targets);
  return { document: { $schema: './schema/targets.schema.json', schemaVersion: 1, ...(names[0] !== undefined ? { defaultTarget: names[0] } : {}), targets }, skipped };
}

/** Read a hardware map and validate the targets it gives (`run --hardware-map`, `targets … --hardware-map`). */
export async function loadHardwareMapTargets(path: string, checks: TargetsCheckOptions = {}): Promise<{ file: TargetsFile; skipped: string[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new InputFileError(path, `cannot read hardware map: ${(cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (cause as Error).message}`, { cause });
  }
  const map = parseHardwareMap(text);
  if (!map.ok) {
    const where = map.error.entry !== undefined ? `/${map.error.entry}${map.error.field !== undefined ? `/${map.error.field}` : ''}` : '';
    throw new ConfigError(map.error.message, where, path);
  }
  const { document, skipped } = targetsFromHardwareMap(map.value);
  if (Object.keys(document['targets'] as object).length === 0) throw new ConfigError(`no connected board with a serial port (${skipped.join('; ') || 'empty map'})`, '', path);
  const parsed = parseTargets(JSON.stringify(document), path, checks);
  if (!parsed.ok) throw parsed.error[0] ?? new ConfigError('invalid', '', path);
  return { file: parsed.value, skipped };
}
