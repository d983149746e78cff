/**
 * Zephyr twister hardware maps (`west twister --generate-hardware-map map.yml`): a YAML list of
 * boards, each with `id`, `platform`, `product`, `runner`, `serial`, `baud`, `fixtures`,
 * `connected`, `available`. Parsed into typed entries; a malformed map is a typed error naming
 * the entry and field, never an exception.
 * @see https://docs.zephyrproject.org/4.0.0/develop/test/twister.html#executing-tests-on-hardware
 */
import { parse as parseYaml } from 'yaml';
import { err, ok, type Result } from '../../core/result.ts';

/** One board of a hardware map. */
export interface HardwareMapEntry {
  /** Probe serial number (`id`). */
  id: string;
  /** Zephyr board target (`nrf52840dk/nrf52840`). */
  platform: string;
  product?: string;
  /** Flash/reset runner (`nrfjprog`, `jlink`, `pyocd`, `openocd`). */
  runner?: string;
  /** Console serial device (`/dev/ttyACM0`). */
  serial?: string;
  baud?: number;
  fixtures: string[];
  /** Twister's `connected` (absent: true). */
  connected: boolean;
  /** Twister's `available` (absent: true). */
  available: boolean;
}

/** Where a hardware map is wrong: `entry` is the 0-based list index (undefined for the whole file). */
export interface HardwareMapError {
  entry?: number;
  field?: string;
  message: string;
}

const fail = (message: string, entry?: number, field?: string): Result<never, HardwareMapError> =>
  err({ message, ...(entry !== undefined ? { entry } : {}), ...(field !== undefined ? { field } : {}) });

/** An absent value as YAML may spell it (`~`, `null`, empty). */
const isAbsent = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && /^(~|null|)$/i.test(v.trim()));

function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim() !== '' && v.trim() !== 'null' && v.trim() !== '~') return v.trim();
  return undefined;
}

function parseEntry(raw: unknown, i: number): Result<HardwareMapEntry, HardwareMapError> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('expected a mapping with id, platform, serial, …', i);
  const o = raw as Record<string, unknown>;
  const id = scalarText(o['id']);
  if (id === undefined) return fail('missing or empty "id" (the probe serial number)', i, 'id');
  const platform = scalarText(o['platform']);
  if (platform === undefined) return fail('missing or empty "platform" (the board target)', i, 'platform');
  const flag = (v: unknown): boolean => isAbsent(v) || !/^(false|no|off)$/i.test(String(v));
  const entry: HardwareMapEntry = { id, platform, fixtures: [], connected: flag(o['connected']), available: flag(o['available']) };
  for (const key of ['product', 'runner', 'serial'] as const) {
    if (isAbsent(o[key])) continue;
    const text = scalarText(o[key]);
    if (text === undefined) return fail(`"${key}" must be text`, i, key);
    entry[key] = text;
  }
  if (!isAbsent(o['baud'])) {
    const baud = /^\d+$/.test(String(o['baud'])) ? Number(o['baud']) : Number.NaN;
    if (!Number.isInteger(baud) || baud <= 0) return fail(`"baud" must be a positive integer, got ${JSON.stringify(o['baud'])}`, i, 'baud');
    entry.baud = baud;
  }
  const fixtures = o['fixtures'];
  if (!isAbsent(fixtures)) {
    if (!Array.isArray(fixtures) || fixtures.some((f) => scalarText(f) === undefined)) return fail('"fixtures" must be a list of names', i, 'fixtures');
    entry.fixtures = fixtures.map((f) => scalarText(f)!);
  }
  return ok(entry);
}

/** Parse a hardware map's YAML text. */
export function parseHardwareMap(text: string): Result<HardwareMapEntry[], HardwareMapError> {
  let doc: unknown;
  try {
    // Failsafe schema: every scalar stays text, so a probe id like 000683759358 keeps its zeros.
    doc = parseYaml(text, { schema: 'failsafe' });
  } catch (e) {
    return fail(`not valid YAML: ${(e as Error).message.split('\n')[0] ?? ''}`);
  }
  if (!Array.isArray(doc)) return fail('expected a YAML list of boards (- id: …, platform: …, serial: …)');
  const out: HardwareMapEntry[] = [];
  for (const [i, raw] of doc.entries()) {
    const e = parseEntry(raw, i);
    if (!e.ok) return e;
    out.push(e.value);
  }
  return ok(out);
}

/** A target name from an entry: the platform's board part and the probe id (`nrf52840dk-683759358`). */
export function hardwareTargetName(e: HardwareMapEntry): string {
  const board = e.platform.split('/')[0] ?? e.platform;
  return `${board}-${e.id}`.replace(/[^A-Za-z0-9._-]+/g, '-');
}
