/**
 * Statistics group (2): list the statistics groups, show each, unknown and malformed names,
 * replies that do not fit the SMP buffer, counters that move.
 * @see docs/spec/smp.md §3.3, §6.7 item 72
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { MgmtErr, MgmtGroup, SMP_HEADER_BYTES, SmpVersion } from '../../src/codec/smp/constants.ts';
import { statCommands, StatMgmtErr } from '../../src/codec/smp/groups/stat.ts';
import { smpRequest } from '../../src/codec/smp/command.ts';
import { defineSuite, type CaseContext } from '../../src/conformance/index.ts';

const EINVAL = { rc: MgmtErr.EINVAL } as const;
const INVALID_GROUP = { v2: { group: MgmtGroup.STAT, rc: StatMgmtErr.INVALID_GROUP } } as const;
/** The statistics group of Zephyr's smp_svr sample, with its once-a-second "ticks" counter. */
const SAMPLE_GROUP = 'smp_svr_stats';
/** Long enough for at least one tick of a 1-second counter, whatever the phase. */
const TICK_WAIT_MS = 2500;
/** A statistics group name no firmware registers. */
const UNKNOWN_GROUP = 'mgmt-conformance-no-such-group';

/** The listed statistics groups (skips the case when there are none). */
async function listedGroups({ smp, expect, skip }: CaseContext): Promise<string[]> {
  const list = expect.smpOk(await smp.request(smpRequest(statCommands.list, {}))).stat_list;
  if (list.length === 0) skip('the device lists no statistics groups');
  return list;
}

defineSuite({ id: 'smp/stat', protocol: 'SMP', feature: 'stat', title: 'Statistics management' }, (s) => {
  s.case({
    id: 'SMP-STAT-LIST-001',
    title: 'stat list answers the statistics group names, each once',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g2', section: 'Statistics: list of groups', quote: 'The command is used to obtain list of groups of statistics that are gathered on a device.' },
    stimulus: 'Stat list (op 0) with an empty map.',
    requirement: '{"stat_list": [tstr, …]} (possibly empty) with no duplicate names; a legacy "rc": 0 is tolerated.',
    requires: ['smp.stat.list'],
    story: 'list',
    async run({ smp, expect }) {
      const list = expect.smpOk(await smp.request(smpRequest(statCommands.list, {})));
      expect.that(list.rc === undefined || list.rc === 0, { expected: '"rc" absent, or 0 on legacy builds', actual: `"rc": ${list.rc}` });
      const names = list.stat_list;
      expect.that(new Set(names).size === names.length, { expected: 'each name once', actual: JSON.stringify(names) });
      expect.that(names.every((n) => n.length > 0), { expected: 'non-empty names', actual: JSON.stringify(names) });
    },
  });

  s.case({
    id: 'SMP-STAT-SHOW-001',
    title: 'stat show of every listed group answers that group with its counters (or rc 7 when too big)',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g2', section: 'Statistics: group data', quote: 'The command is used to obtain data for group specified by a name.' },
    stimulus: 'Stat list, then stat show {"name": n} for each listed name.',
    requirement: '{"name": n, "fields": {counter: uint, …}} with the name asked; a group whose reply exceeds the buffer answers {"rc": 7} (Zephyr v4.0: flash_sim_stats).',
    requires: ['smp.stat.list'],
    story: 'show',
    async run(ctx) {
      for (const name of await listedGroups(ctx)) {
        const reply = await ctx.smp.request(smpRequest(statCommands.show, { name }));
        if (reply.body.kind === 'errV1' && reply.body.rc === MgmtErr.EMSGSIZE) {
          ctx.expect.note(`${name}: rc 7 (reply larger than the buffer)`);
          continue;
        }
        ctx.expect.smpOk(reply).field('name').toBe(name);
      }
    },
  });

  s.case({
    id: 'SMP-STAT-SHOW-002',
    title: 'no stat show reply is larger than the SMP buffer (buf_size)',
    level: 'MUST',
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Response too large.' },
    stimulus: 'Stat show of every listed group, including groups with many counters.',
    requirement: 'Each reply, header included, fits buf_size; one that would not is replaced by {"rc": 7} (MGMT_ERR_EMSGSIZE).',
    requires: ['smp.stat.list', 'smp.os.params'],
    story: 'show',
    async run(ctx) {
      const bufSize = ctx.session.params?.bufSize;
      if (bufSize === undefined) return ctx.skip('MCUmgr params unknown: no buffer size to compare with');
      for (const name of await listedGroups(ctx)) {
        const reply = ctx.expect.smpShape(await ctx.smp.request(smpRequest(statCommands.show, { name })));
        const bytes = SMP_HEADER_BYTES + reply.payload.length;
        ctx.expect.that(bytes <= bufSize, { check: 'reply size', expected: `at most buf_size ${bufSize} bytes, else {"rc": 7}`, actual: `${bytes} bytes for group ${name}` });
      }
    },
  });

  s.case({
    id: 'SMP-STAT-SHOW-003',
    title: 'stat show of an unknown group answers INVALID_GROUP err{2,2}',
    level: 'MUST',
    spec: { doc: 'zephyr-stat-mgmt-h', section: 'enum stat_mgmt_err_code_t', quote: 'The provided statistic group name was not found.' },
    stimulus: `Stat show {"name": "${UNKNOWN_GROUP}"} with a v2 header, then with a v1 header where the device answers v1.`,
    requirement: 'Group error 2 (STAT_MGMT_ERR_INVALID_GROUP) as err{group 2, rc 2}; under v1 its translation rc 5 (ENOENT), or rc 1 where the build has no translation. The err.group is the request\'s group (docs/spec/smp.md §3 common response rule): Zephyr v4.0\'s err{63,3} fails, naming its upstream fix (zephyr PR #104682).',
    requires: ['smp.stat'],
    story: 'show',
    async run({ smp, expect, session }) {
      expect.mgmtErr(await smp.request(smpRequest(statCommands.show, { name: UNKNOWN_GROUP })), INVALID_GROUP);
      if (session.smpVersions.v1) {
        const v1 = await smp.request(smpRequest(statCommands.show, { name: UNKNOWN_GROUP }, { version: SmpVersion.V1 }));
        expect.mgmtErr(v1, { ...INVALID_GROUP, v1: [MgmtErr.ENOENT, MgmtErr.EUNKNOWN] });
      }
      await expect.alive();
    },
  });

  s.case({
    id: 'SMP-STAT-SHOW-004',
    title: 'stat show with "name" missing or not a text string is refused',
    level: 'MUST',
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' },
    stimulus: 'Stat show with an empty map, then with "name": 2 (uint), then "name" as a byte string.',
    requirement: 'A wrongly typed name fails decoding: {"rc": 3}; a missing name is {"rc": 3} or INVALID_GROUP (no such group "").',
    requires: ['smp.stat'],
    story: 'show',
    async run({ smp, expect }) {
      expect.mgmtErr(await smp.request({ command: statCommands.show, body: {} }), [EINVAL, INVALID_GROUP]);
      for (const name of [2, Uint8Array.of(0x73)]) expect.mgmtErr(await smp.request({ command: statCommands.show, body: { name } }), EINVAL);
      await expect.alive();
    },
  });
  // The smp_svr sample increments smp_svr_stats.ticks once a second in its main loop.
  s.case({
    id: 'SMP-STAT-SHOW-005',
    title: 'counters move: the smp_svr sample\'s "ticks" advances about once a second, and no counter goes back',
    level: 'SHOULD',
    spec: { doc: 'zephyr-smp-g2', section: 'Statistic: group data' },
    stimulus: 'Stat show {"name": "smp_svr_stats"}, wait 2.5 s, show it again.',
    requirement: 'Statistics are live counters: "ticks" grows by 1–5 over the wait (not a cached answer) and no counter decreases.',
    requires: ['smp.stat.list'],
    story: 'show',
    timeoutMs: 30_000,
    async run(ctx) {
      if (!(await listedGroups(ctx)).includes(SAMPLE_GROUP)) return ctx.skip(`no "${SAMPLE_GROUP}" group: not the smp_svr sample`);
      const first = ctx.expect.smpOk(await ctx.smp.request(smpRequest(statCommands.show, { name: SAMPLE_GROUP }))).fields;
      await sleep(TICK_WAIT_MS);
      const second = ctx.expect.smpOk(await ctx.smp.request(smpRequest(statCommands.show, { name: SAMPLE_GROUP }))).fields;
      const ticks = Number(second['ticks'] ?? 0) - Number(first['ticks'] ?? 0);
      ctx.expect.warn(ticks >= 1 && ticks <= 5, `"ticks" advanced by ${ticks} in ${TICK_WAIT_MS} ms (expected 1–5)`);
      const back = Object.keys(first).filter((k) => Number(second[k] ?? 0) < Number(first[k] ?? 0));
      ctx.expect.warn(back.length === 0, `counters went back: ${back.join(', ')}`);
    },
  });
});
