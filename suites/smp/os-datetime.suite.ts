/**
 * OS group date/time (group 0, command 4): RTC unset, set and read back, the parser's length and
 * range rules, wrong types. Cases run in file order; the first one needs an RTC nobody has set.
 * @see docs/spec/smp.md §3.1.4, §6.7 items 67–68
 */
import fc from 'fast-check';
import { MgmtErr, MgmtGroup, SmpVersion } from '../../src/codec/smp/constants.ts';
import { osCommands, OsMgmtErr } from '../../src/codec/smp/groups/os.ts';
import { smpRequest } from '../../src/codec/smp/command.ts';
import { defineSuite, type CaseContext } from '../../src/conformance/index.ts';

/** `YYYY-MM-DDTHH:MM:SS` plus an optional `.ms` (printed with `%d`, so 1–3 digits). */
const DATETIME_FORMAT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;
/** Slack for a clock read back: native_sim's RTC ticks in whole seconds, plus link latency. */
const CLOCK_SLACK_MS = 3000;
const RTC_NOT_SET = { v2: { group: MgmtGroup.OS, rc: OsMgmtErr.RTC_NOT_SET } } as const;
const EINVAL = { rc: MgmtErr.EINVAL } as const;

/** Two-digit decimal, zero-padded. */
function p2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Milliseconds since the epoch of a device date/time read as UTC wall-clock time; undefined when malformed. */
function wallClockMs(text: string): number | undefined {
  const m = DATETIME_FORMAT.exec(text);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  return Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0, ms ?? 0);
}

/**
 * Set `written`, read the clock back and check it shows `expectedMs` (or one of the alternatives)
 * plus the time since the set. Returns the text read.
 */
async function setAndReadBack({ smp, expect }: CaseContext, written: string, expectedMs: readonly number[]): Promise<string> {
  expect.smpOk(await smp.request(smpRequest(osCommands.datetimeSet, { datetime: written })));
  const setAt = Date.now();
  const got = expect.smpOk(await smp.request(smpRequest(osCommands.datetimeGet, {}))).field('datetime').toMatch(DATETIME_FORMAT).datetime;
  const readMs = wallClockMs(got) ?? Number.NaN;
  const elapsed = Date.now() - setAt;
  const isClose = expectedMs.some((e) => readMs >= e - CLOCK_SLACK_MS && readMs <= e + elapsed + CLOCK_SLACK_MS);
  expect.that(isClose, {
    check: 'clock read back',
    expected: `"datetime" within ${CLOCK_SLACK_MS} ms of ${expectedMs.map((e) => new Date(e).toISOString()).join(' or ')} (+ ${elapsed} ms since the set)`,
    actual: `"datetime": "${got}"`,
  });
  return got;
}

/** Every value must be refused with rc 3; one failing value fails the case, naming it. */
async function expectAllRefused({ smp, expect }: CaseContext, values: readonly string[]): Promise<void> {
  for (const datetime of values) {
    expect.mgmtErr(await smp.request(smpRequest(osCommands.datetimeSet, { datetime })), EINVAL);
  }
  await expect.alive();
}

const REQUIRES = ['smp.os.datetime'];

defineSuite({ id: 'smp/os', protocol: 'SMP', feature: 'os', title: 'OS management: date/time' }, (s) => {
  s.case({
    id: 'SMP-OS-DATETIME-001',
    title: 'date/time get before any set answers RTC_NOT_SET (v2 err{0,4}, v1 rc 5)',
    level: 'MUST',
    spec: { doc: 'zephyr-os-mgmt-h', section: 'enum os_mgmt_err_code_t', quote: 'RTC is not set' },
    stimulus: 'Date/time get (op 0) with a v2 header, then with a v1 header where the device answers v1, before anything set the clock.',
    requirement: 'An unset RTC is reported as group error 4 (OS_MGMT_ERR_RTC_NOT_SET): err{group 0, rc 4} under v2, its translation rc 5 under v1.',
    requires: REQUIRES,
    story: 'datetime',
    async run({ smp, expect, session, skip }) {
      const first = await smp.request(smpRequest(osCommands.datetimeGet, {}));
      if (first.body.kind === 'ok') skip(`the RTC is already set ("datetime": ${JSON.stringify(first.body.rsp['datetime'])}); run on a freshly started device`);
      expect.mgmtErr(first, RTC_NOT_SET);
      if (session.smpVersions.v1) expect.mgmtErr(await smp.request(smpRequest(osCommands.datetimeGet, {}, { version: SmpVersion.V1 })), RTC_NOT_SET);
    },
  });

  s.case({
    id: 'SMP-OS-DATETIME-002',
    title: 'a date/time that was set is read back, advancing with the clock',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g0', section: 'Date-time command', quote: 'The command allows to obtain string representing current time-date on a device or set a new time to a device.' },
    stimulus: 'Date/time set {"datetime": "2026-11-28T12:00:00"}, then date/time get.',
    requirement: 'The set answers {}; the get answers "datetime" as YYYY-MM-DDTHH:MM:SS[.ms] showing the time set plus the time since.',
    requires: REQUIRES,
    story: 'datetime',
    async run(ctx) {
      await setAndReadBack(ctx, '2026-11-28T12:00:00', [Date.UTC(2026, 10, 28, 12, 0, 0)]);
    },
  });

  s.case({
    id: 'SMP-OS-DATETIME-003',
    title: 'a date/time with milliseconds is accepted and read back',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g0', section: 'Date-time command', quote: 'The time format used, by both set and get operations, is: "yyyy-MM-dd\'T\'HH:mm:ss.SSSSSSZZZZZ"' },
    stimulus: 'Date/time set {"datetime": "2031-05-06T07:08:09.500"}, then date/time get.',
    requirement: 'The set answers {} (the ".ms" part sets milliseconds, or is ignored without CONFIG_MCUMGR_GRP_OS_DATETIME_MS); the get shows 2031-05-06T07:08:09 plus the time since.',
    requires: REQUIRES,
    story: 'datetime',
    async run(ctx) {
      const got = await setAndReadBack(ctx, '2031-05-06T07:08:09.500', [Date.UTC(2031, 4, 6, 7, 8, 9)]);
      ctx.expect.note(got.includes('.') ? 'milliseconds reported (CONFIG_MCUMGR_GRP_OS_DATETIME_MS)' : 'no milliseconds in the answer');
    },
  });

  // Zephyr ignores everything after the seconds (and an optional .ms): a zone is accepted, not applied.
  s.case({
    id: 'SMP-OS-DATETIME-004',
    title: 'a date/time with a zone suffix ("Z", "+01:00") is accepted',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g0', section: 'Date-time command', quote: 'The time format used, by both set and get operations, is: "yyyy-MM-dd\'T\'HH:mm:ss.SSSSSSZZZZZ"' },
    stimulus: 'Date/time set "2032-01-02T03:04:05Z", read back; then "2032-01-02T03:04:05+01:00", read back.',
    requirement: 'Both sets answer {} (the documented format ends in a zone); the clock reads the wall-clock time written (Zephyr: zone not applied) or its UTC equivalent.',
    requires: REQUIRES,
    story: 'datetime',
    async run(ctx) {
      const wall = Date.UTC(2032, 0, 2, 3, 4, 5);
      await setAndReadBack(ctx, '2032-01-02T03:04:05Z', [wall]);
      const got = await setAndReadBack(ctx, '2032-01-02T03:04:05+01:00', [wall, wall - 3_600_000]);
      ctx.expect.note(got.startsWith('2032-01-02T03:04') ? 'zone suffix ignored (Zephyr behaviour)' : 'zone suffix applied');
    },
  });

  s.case({
    id: 'SMP-OS-DATETIME-005',
    title: 'date/time set with an out-of-range year, month or day is refused with rc 3',
    level: 'MUST',
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' },
    stimulus: 'Date/time set with year 1899, month 00 and 13, day 00 and 32 (each otherwise valid, 19 characters).',
    requirement: 'Each is refused with {"rc": 3} (MGMT_ERR_EINVAL): year 1900–11899, month 1–12, day 1–31.',
    requires: REQUIRES,
    story: 'datetime',
    async run(ctx) {
      await expectAllRefused(ctx, ['1899-06-15T12:00:00', '2026-00-15T12:00:00', '2026-13-15T12:00:00', '2026-06-00T12:00:00', '2026-06-32T12:00:00']);
    },
  });

  s.case({
    id: 'SMP-OS-DATETIME-006',
    title: 'date/time set with an out-of-range hour, minute or second is refused with rc 3',
    level: 'MUST',
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' },
    stimulus: 'Date/time set with hour 24, minute 60, second 60 (each otherwise valid).',
    requirement: 'Each is refused with {"rc": 3}: hour 0–23, minute 0–59, second 0–59.',
    requires: REQUIRES,
    story: 'datetime',
    async run(ctx) {
      await expectAllRefused(ctx, ['2026-06-15T24:00:00', '2026-06-15T12:60:00', '2026-06-15T12:00:60']);
    },
  });

  s.case({
    id: 'SMP-OS-DATETIME-007',
    title: 'date/time set with missing fields (shorter than 19 characters) is refused with rc 3',
    level: 'MUST',
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' },
    stimulus: 'Date/time set "2026-06-15T12:00" (no seconds), "2026-06-15" and "".',
    requirement: 'Each is refused with {"rc": 3}: a date/time has six fields and at least 19 characters.',
    requires: REQUIRES,
    story: 'datetime',
    async run(ctx) {
      await expectAllRefused(ctx, ['2026-06-15T12:00', '2026-06-15', '']);
    },
  });

  // The document's own format (microseconds + zone, 32 characters) exceeds Zephyr's 25-character limit.
  s.case({
    id: 'SMP-OS-DATETIME-008',
    title: 'date/time set longer than 25 characters (the documented microsecond format) is refused with rc 3',
    level: 'SHOULD',
    spec: { doc: 'smp-digest', section: '3.1.4 Date/time (4)' },
    stimulus: 'Date/time set "2026-06-15T12:00:00.000000+00:00" (32 characters).',
    requirement: 'Zephyr refuses strings over 25 characters with {"rc": 3} (DISCREPANCY with the group 0 document, which shows this format).',
    requires: REQUIRES,
    story: 'datetime',
    async run(ctx) {
      const reply = await ctx.smp.request(smpRequest(osCommands.datetimeSet, { datetime: '2026-06-15T12:00:00.000000+00:00' }));
      const refused = reply.body.kind === 'errV1' && reply.body.rc === MgmtErr.EINVAL;
      if (!ctx.expect.warn(refused, 'the documented 32-character format was not refused with rc 3 (Zephyr refuses it)')) ctx.expect.smpShape(reply);
      else ctx.expect.mgmtErr(reply, EINVAL);
    },
  });

  s.case({
    id: 'SMP-OS-DATETIME-009',
    title: 'date/time set with "datetime" missing or not a text string is refused with rc 3',
    level: 'MUST',
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' },
    stimulus: 'Date/time set with an empty map, then with "datetime" as an unsigned integer, then as a byte string.',
    requirement: 'Each is refused with {"rc": 3}: no date/time to parse, or a known key of the wrong major type.',
    requires: REQUIRES,
    story: 'datetime',
    async run({ smp, expect }) {
      for (const body of [{}, { datetime: 1_700_000_000 }, { datetime: Uint8Array.of(0x32, 0x30) }]) {
        expect.mgmtErr(await smp.request({ command: osCommands.datetimeSet, body }), EINVAL);
      }
      await expect.alive();
    },
  });
  s.case({
    id: 'SMP-OS-DATETIME-010',
    title: 'date/time read with an SMP v1 header answers the same clock in the same format',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g0', section: 'Date-time command', quote: 'The time format used, by both set and get operations, is: "yyyy-MM-dd\'T\'HH:mm:ss.SSSSSSZZZZZ"' },
    stimulus: 'Date/time set "2027-03-04T05:06:07" (v2), then date/time get with header version bits 00.',
    requirement: 'Success payloads are identical in v1 and v2: reply version 0 with "datetime" showing the time set plus the time since.',
    requires: ['smp.os.datetime', 'smp.v1'],
    story: 'datetime',
    async run({ smp, expect }) {
      expect.smpOk(await smp.request(smpRequest(osCommands.datetimeSet, { datetime: '2027-03-04T05:06:07' })));
      const got = expect.smpOk(await smp.request(smpRequest(osCommands.datetimeGet, {}, { version: SmpVersion.V1 }))).field('datetime').toMatch(DATETIME_FORMAT).datetime;
      const ms = wallClockMs(got) ?? Number.NaN;
      const expected = Date.UTC(2027, 2, 4, 5, 6, 7);
      expect.that(Math.abs(ms - expected) <= CLOCK_SLACK_MS, { expected: `"datetime" within ${CLOCK_SLACK_MS} ms of 2027-03-04T05:06:07`, actual: `"datetime": "${got}"` });
    },
  });
  s.property({
    id: 'SMP-OS-DATETIME-011',
    title: 'any valid date/time that is set is read back',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g0', section: 'Date-time command', quote: 'The command allows to obtain string representing current time-date on a device or set a new time to a device.' },
    stimulus: 'Date/time set with generated valid values (years 2000–2099, days 1–28), each followed by a get.',
    requirement: 'Each set answers {}; each get shows the value set plus the time since.',
    requires: ['smp.os.datetime'],
    story: 'datetime',
    numRuns: { udp: 30, serial: 5 },
    arbitrary: fc.record({
      y: fc.integer({ min: 2000, max: 2099 }), mo: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }),
      h: fc.integer({ min: 0, max: 23 }), mi: fc.integer({ min: 0, max: 59 }), s: fc.integer({ min: 0, max: 59 }),
    }),
    async predicate(ctx, t) {
      const text = `${t.y}-${p2(t.mo)}-${p2(t.d)}T${p2(t.h)}:${p2(t.mi)}:${p2(t.s)}`;
      await setAndReadBack(ctx, text, [Date.UTC(t.y, t.mo - 1, t.d, t.h, t.mi, t.s)]);
    },
  });
  s.property({
    id: 'SMP-OS-DATETIME-012',
    title: 'a date/time with any one field out of range is refused with rc 3',
    level: 'MUST',
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' },
    stimulus: 'Date/time set "YYYY-MM-DDTHH:MM:SS" with one generated field out of range (year 1000–1899, month 0 or 13–99, day 0 or 32–99, hour 24–99, minute or second 60–99).',
    requirement: 'Each is refused with {"rc": 3} (MGMT_ERR_EINVAL); the device stays alive.',
    requires: REQUIRES,
    story: 'datetime',
    numRuns: { udp: 40, serial: 6 },
    arbitrary: fc.oneof(
      fc.integer({ min: 1000, max: 1899 }).map((y) => `${y}-06-15T12:00:00`),
      fc.constantFrom(0, ...Array.from({ length: 87 }, (_, i) => i + 13)).map((m) => `2026-${p2(m)}-15T12:00:00`),
      fc.constantFrom(0, ...Array.from({ length: 68 }, (_, i) => i + 32)).map((d) => `2026-06-${p2(d)}T12:00:00`),
      fc.integer({ min: 24, max: 99 }).map((h) => `2026-06-15T${h}:00:00`),
      fc.integer({ min: 60, max: 99 }).map((mi) => `2026-06-15T12:${mi}:00`),
      fc.integer({ min: 60, max: 99 }).map((sec) => `2026-06-15T12:00:${sec}`),
    ),
    async predicate({ smp, expect }, datetime) {
      expect.mgmtErr(await smp.request(smpRequest(osCommands.datetimeSet, { datetime })), EINVAL);
    },
  });
});
