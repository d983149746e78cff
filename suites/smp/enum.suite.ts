/**
 * Enumeration group (10): count, list, single-index walk, details, and their agreement.
 * @see docs/spec/smp.md §3.7, §6.7 item 73
 */
import { MgmtErr, MgmtGroup } from '../../src/codec/smp/constants.ts';
import { enumCommands, EnumMgmtErr } from '../../src/codec/smp/groups/enum.ts';
import { smpRequest } from '../../src/codec/smp/command.ts';
import { defineSuite, type CaseContext } from '../../src/conformance/index.ts';

const INDEX_TOO_LARGE = { v2: { group: MgmtGroup.ENUM, rc: EnumMgmtErr.INDEX_TOO_LARGE } } as const;
/** Bound on the single-index walk: a device answering without ever saying "end" is a defect. */
const MAX_WALK = 256;

/** The group ids the device lists. */
async function listed({ smp, expect }: CaseContext): Promise<number[]> {
  return expect.smpOk(await smp.request(smpRequest(enumCommands.list, {}))).groups;
}

/** Walk single indexes from 0 until "end": true; returns the group ids seen. */
async function walk({ smp, expect }: CaseContext): Promise<number[]> {
  const seen: number[] = [];
  for (let index = 0; index < MAX_WALK; index++) {
    const rsp = expect.smpOk(await smp.request(smpRequest(enumCommands.single, { index })));
    seen.push(rsp.group);
    if (rsp.end === true) return seen;
  }
  expect.that(false, { expected: `"end": true within ${MAX_WALK} indexes`, actual: `no "end" after ${seen.length} groups` });
  return seen;
}

function same(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

defineSuite({ id: 'smp/enum', protocol: 'SMP', feature: 'enum', title: 'Enumeration management' }, (s) => {
  s.case({
    id: 'SMP-ENUM-COUNT-001',
    title: 'enumeration count equals the number of groups listed',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g10', section: 'Count of supported groups command', quote: 'Count of supported groups returns the total number of MCUmgr command groups that a device supports.' },
    stimulus: 'Enumeration count, then enumeration list.',
    requirement: '"count" equals the length of "groups".',
    requires: ['smp.enum'],
    story: 'count',
    async run(ctx) {
      const { count } = ctx.expect.smpOk(await ctx.smp.request(smpRequest(enumCommands.count, {})));
      const groups = await listed(ctx);
      ctx.expect.that(count === groups.length, { expected: `"count": ${groups.length} (groups listed: ${groups.join(', ')})`, actual: `"count": ${count}` });
    },
  });

  s.case({
    id: 'SMP-ENUM-LIST-001',
    title: 'enumeration list names each group once, the enumeration group included',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g10', section: 'List supported groups command', quote: 'List supported groups command allows listing the group IDs of supported MCUmgr groups on the device.' },
    stimulus: 'Enumeration list.',
    requirement: '"groups": uint ids, no duplicates, containing 10 (the group answering).',
    requires: ['smp.enum'],
    story: 'list',
    async run(ctx) {
      const groups = await listed(ctx);
      ctx.expect.that(new Set(groups).size === groups.length, { expected: 'each id once', actual: groups.join(', ') });
      ctx.expect.that(groups.includes(MgmtGroup.ENUM), { expected: `group ${MgmtGroup.ENUM} listed`, actual: groups.join(', ') });
    },
  });

  s.case({
    id: 'SMP-ENUM-SINGLE-001',
    title: 'walking single indexes from 0 gives the listed groups in order, "end": true on the last only',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g10', section: 'Fetch single group ID response', quote: 'will be set to true if the listed group is the final supported group on the device, otherwise will be omitted.' },
    stimulus: 'Enumeration single {"index": 0}, 1, 2, … until a reply has "end": true; compare with list and count.',
    requirement: 'The ids walked equal "groups" of the list (same order), their number equals "count", and only the last carries "end": true.',
    requires: ['smp.enum'],
    story: 'single',
    async run(ctx) {
      const walked = await walk(ctx);
      const groups = await listed(ctx);
      const { count } = ctx.expect.smpOk(await ctx.smp.request(smpRequest(enumCommands.count, {})));
      ctx.expect.that(same(walked, groups), { expected: `walk = list: ${groups.join(', ')}`, actual: `walked ${walked.join(', ')}` });
      ctx.expect.that(walked.length === count, { expected: `${count} groups walked ("count")`, actual: `${walked.length}` });
    },
  });

  s.case({
    id: 'SMP-ENUM-SINGLE-002',
    title: 'enumeration single without an index answers the first group',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g10', section: 'Fetch single group ID request', quote: 'contains the (0-based) index of the group to return information on, can be omitted to return the first group\'s details.' },
    stimulus: 'Enumeration single with an empty map (index defaults to 0).',
    requirement: '"group" equals the first id of the list.',
    requires: ['smp.enum'],
    story: 'single',
    async run(ctx) {
      const [first] = await listed(ctx);
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(enumCommands.single, {}))).field('group').toBe(first ?? -1);
    },
  });

  s.case({
    id: 'SMP-ENUM-SINGLE-003',
    title: 'enumeration single past the last group answers INDEX_TOO_LARGE err{10,4}',
    level: 'MUST',
    spec: { doc: 'zephyr-enum-mgmt-h', section: 'enum enum_mgmt_err_code_t', quote: 'Provided index is larger than the number of supported grouped.' },
    stimulus: 'Enumeration single {"index": count} and {"index": 65535}.',
    requirement: 'Group error 4 (ENUM_MGMT_ERR_INDEX_TOO_LARGE) as err{group 10, rc 4} for both.',
    requires: ['smp.enum'],
    story: 'single',
    async run(ctx) {
      const count = (await listed(ctx)).length;
      for (const index of [count, 65535]) ctx.expect.mgmtErr(await ctx.smp.request(smpRequest(enumCommands.single, { index })), INDEX_TOO_LARGE);
      await ctx.expect.alive();
    },
  });

  s.case({
    id: 'SMP-ENUM-DETAILS-001',
    title: 'enumeration details describe every listed group once, with a name where given',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g10', section: 'Details on supported groups command', quote: 'Details on supported groups command allows fetching details on each supported MCUmgr group, such as the name and number of handlers.' },
    stimulus: 'Enumeration details with an empty map, compared with enumeration count and list.',
    requirement: '"groups": one entry per listed id ({"group": uint, "name": tstr opt, "handlers": uint opt}), as many as "count".',
    requires: ['smp.enum.details'],
    story: 'details',
    async run(ctx) {
      const details = ctx.expect.smpOk(await ctx.smp.request(smpRequest(enumCommands.details, {}))).groups;
      const ids = details.map((d) => d.group);
      const groups = await listed(ctx);
      const { count } = ctx.expect.smpOk(await ctx.smp.request(smpRequest(enumCommands.count, {})));
      ctx.expect.that(same([...ids].sort((a, b) => a - b), [...groups].sort((a, b) => a - b)), { expected: `details for ${groups.join(', ')}`, actual: `details for ${ids.join(', ')}` });
      ctx.expect.that(ids.length === count, { expected: `${count} entries ("count")`, actual: `${ids.length}` });
      ctx.expect.note(details.map((d) => `${d.group}: ${d.name ?? '(no name)'}`).join('; '));
    },
  });

  s.case({
    id: 'SMP-ENUM-DETAILS-002',
    title: 'enumeration details asked for one group describe that group only',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g10', section: 'Details on supported groups request', quote: 'contains a list of the MCUmgr group IDs to fetch details on.' },
    stimulus: 'Enumeration details {"groups": [the last listed id]}.',
    requirement: 'Exactly one entry, for the group asked (as Zephyr v4.0 answers {"groups": [1]} with group 1 only).',
    requires: ['smp.enum.details'],
    story: 'details',
    async run(ctx) {
      const wanted = (await listed(ctx)).at(-1) ?? MgmtGroup.ENUM;
      const details = ctx.expect.smpOk(await ctx.smp.request(smpRequest(enumCommands.details, { groups: [wanted] }))).groups;
      ctx.expect.that(details.length === 1 && details[0]?.group === wanted, { expected: `one entry, group ${wanted}`, actual: `groups ${details.map((d) => d.group).join(', ')}` });
    },
  });

  s.case({
    id: 'SMP-ENUM-SINGLE-004',
    title: 'enumeration single with "index" not an unsigned integer is refused with rc 3',
    level: 'MUST',
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' },
    stimulus: 'Enumeration single {"index": "0"} (text), then {"index": -1}.',
    requirement: 'A known key with the wrong major type fails decoding: {"rc": 3}.',
    requires: ['smp.enum'],
    story: 'single',
    async run({ smp, expect }) {
      for (const index of ['0', -1]) expect.mgmtErr(await smp.request({ command: enumCommands.single, body: { index } }), { rc: MgmtErr.EINVAL });
      await expect.alive();
    },
  });
});
