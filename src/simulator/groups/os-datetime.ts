/**
 * OS date/time (group 0, command 4) with Zephyr's exact parsing rules and a native_sim-like RTC.
 * @see docs/spec/smp.md §3.1.4
 */
import { nowNs } from '../../core/clock.ts';
import { MgmtErr } from '../../codec/smp/constants.ts';
import type { SimDevice } from '../device.ts';
import { decodeRequest } from '../request.ts';
import { groupErr, okRsp, rcRsp, type HandlerContext, type HandlerResult } from '../types.ts';

const OsErr = { RTC_NOT_SET: 4, RTC_COMMAND_FAILED: 5 } as const;

/** Broken-down time as parsed from the request. */
export interface DatetimeFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

const RANGES: readonly (readonly [number, number])[] = [
  [1900, 11899],
  [1, 12],
  [1, 31],
  [0, 23],
  [0, 59],
  [0, 59],
];

/** C `strtol(…, 10)`: leading white space, an optional sign, decimal digits; undefined when no digits. */
function strtol(text: string, at: number): { value: number; end: number } | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)/.exec(text.slice(at));
  if (m === null) return undefined;
  const magnitude = Number(m[2]);
  return { value: m[1] === '-' ? -magnitude : magnitude, end: at + m[0].length };
}

/**
 * Parse like os_mgmt's `os_mgmt_datetime_write`: 19–25 characters; six fields read with
 * `strtol`, each followed by exactly one arbitrary separator; after the seconds, `.` then an
 * optional `strtol` millisecond value (no digits → 0); anything else after is ignored.
 */
export function parseDatetime(text: string): DatetimeFields | undefined {
  if (text.length < 19 || text.length > 25) return undefined;
  const values: number[] = [];
  let at = 0;
  for (let field = 0; field < 6; field++) {
    if (at >= text.length) return undefined;
    const parsed = strtol(text, at);
    const [lo, hi] = RANGES[field]!;
    if (parsed === undefined || parsed.value < lo || parsed.value > hi) return undefined;
    values.push(parsed.value);
    at = parsed.end + 1;
  }
  let ms = 0;
  if (text[at - 1] === '.' && at < text.length) {
    ms = strtol(text, at)?.value ?? 0;
    if (ms < 0 || ms > 999) return undefined;
  }
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = values;
  return { year, month, day, hour, minute, second, ms };
}

/** Set (op 2): success is an empty map; a date the RTC driver rejects (30 Feb) → group error 5. */
export function setDatetime(device: SimDevice, ctx: HandlerContext): HandlerResult {
  const req = decodeRequest(ctx.payload, { datetime: 'tstr' });
  // The `datetime-lenient` fault answers {} to anything it cannot parse (and changes nothing).
  const isLenient = device.faults.has('datetime-lenient');
  if (!req.ok || req.value.datetime === undefined) return isLenient ? okRsp({}) : rcRsp(MgmtErr.EINVAL);
  const f = parseDatetime(req.value.datetime);
  if (f === undefined) return isLenient ? okRsp({}) : rcRsp(MgmtErr.EINVAL);
  if (f.day > daysInMonth(f.year, f.month)) return groupErr(OsErr.RTC_COMMAND_FAILED);
  if (!device.faults.has('datetime-not-stored')) {
    const date = new Date(0);
    date.setUTCFullYear(f.year, f.month - 1, f.day);
    date.setUTCHours(f.hour, f.minute, f.second, f.ms);
    device.rtc = { setMs: date.getTime(), setAtNs: nowNs() };
  }
  return okRsp({});
}

/** Get (op 0): `YYYY-MM-DDTHH:MM:SS.mmm` (the capture's build has the `_MS` option); unset → group error 4. */
export function getDatetime(device: SimDevice): HandlerResult {
  if (device.rtc === undefined) return groupErr(OsErr.RTC_NOT_SET);
  const elapsedS = Math.floor(Number(nowNs() - device.rtc.setAtNs) / 1e9);
  return okRsp({ datetime: formatDatetime(new Date(device.rtc.setMs + elapsedS * 1000)) });
}

function daysInMonth(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0);
  return d.getUTCDate();
}

function formatDatetime(d: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return (
    `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}` +
    `T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}`
  );
}
