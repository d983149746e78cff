/**
 * OS group bootloader info (group 0, command 8): the bootloader's name, the MCUboot mode query,
 * unknown and malformed queries. A build without MCUboot answers QUERY_YIELDS_NO_ANSWER, which the
 * group 0 text expects as the SMP v2 error err{0,3}. Zephyr v4.0 returns that code from the handler,
 * so it goes out as a top-level rc 3 (MGMT_ERR_EINVAL's number): a deviation, failed and named.
 * @see docs/spec/smp.md §3.1.8, §6.7 item 66
 */
import { MgmtErr, MgmtGroup, SmpVersion } from '../../src/codec/smp/constants.ts';
import { osCommands, OsMgmtErr } from '../../src/codec/smp/groups/os.ts';
import { smpRequest } from '../../src/codec/smp/command.ts';
import { type CaseContext, defineSuite, type SmpReply } from '../../src/conformance/index.ts';

const EINVAL = { rc: MgmtErr.EINVAL } as const;
/** The query yields no answer: err{0,3} to an SMP v2 request, its v1 translation (ENOENT) to a v1 one. */
const NO_BOOTLOADER_ANSWER = [{ v2: { group: MgmtGroup.OS, rc: OsMgmtErr.QUERY_YIELDS_NO_ANSWER } }] as const;

type CaseExpect = CaseContext['expect'];

/**
 * Judge a "no answer" reply. Zephyr v4.0's os_mgmt.c returns QUERY_YIELDS_NO_ANSWER from the
 * handler instead of adding it as a group error, so an SMP v2 request gets `{"rc": 3}`: the v1 form,
 * where 3 is MGMT_ERR_EINVAL. The group 0 text expects the v2 error; no upstream fix is known.
 */
function noBootloaderAnswer(expect: CaseExpect, reply: SmpReply<unknown>): ReturnType<CaseExpect['mgmtErr']> {
  const isZephyrRcForm = reply.requestHeader.version === SmpVersion.V2 && reply.body.kind === 'errV1' && reply.body.rc === OsMgmtErr.QUERY_YIELDS_NO_ANSWER;
  expect.that(!isZephyrRcForm, {
    check: 'error form',
    expected: 'err{group 0, rc 3} (OS_MGMT_ERR_QUERY_YIELDS_NO_ANSWER), the SMP version 2 error the group 0 text expects',
    actual: '{"rc": 3}: the code returned from the handler and sent in the v1 form, where 3 is MGMT_ERR_EINVAL (Zephyr v4.0 os_mgmt.c bootloader info; no upstream fix known)',
  });
  return expect.mgmtErr(reply, NO_BOOTLOADER_ANSWER);
}
/** MCUboot modes known to the group 0 document and MCUboot's enum (-1 unknown … 9 swap using offset). */
const KNOWN_MODES = { min: -1, max: 9 } as const;

defineSuite({ id: 'smp/os', protocol: 'SMP', feature: 'os', title: 'OS management: bootloader info' }, (s) => {
  s.case({
    id: 'SMP-OS-BOOTINFO-001',
    title: 'bootloader info names the bootloader (or, without MCUboot, answers QUERY_YIELDS_NO_ANSWER)',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g0', section: 'Bootloader Information', quote: 'If there is no query, then response will return string identifying the bootloader.' },
    stimulus: 'Bootloader info (op 0) with an empty map.',
    requirement: '{"bootloader": tstr} ("MCUboot"); a build without MCUboot answers err{0,3} (Zephyr v4.0 sends rc 3: fails, named).',
    requires: ['smp.os.bootloader-info'],
    story: 'bootloader info',
    async run({ smp, expect }) {
      const reply = await smp.request(smpRequest(osCommands.bootloaderInfo, {}));
      const { index } = await expect.oneOf([
        () => expect.smpOk(reply).field('bootloader').toSatisfy((b) => typeof b === 'string' && b.length > 0, 'a non-empty text'),
        () => noBootloaderAnswer(expect, reply),
      ]);
      expect.note(index === 0 ? `bootloader ${JSON.stringify(reply.body.kind === 'ok' ? reply.body.rsp['bootloader'] : '')}` : 'no bootloader answer (no MCUboot in this build)');
    },
  });

  s.case({
    id: 'SMP-OS-BOOTINFO-002',
    title: 'bootloader info query "mode" answers an MCUboot mode number',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g0', section: 'Bootloader Information', quote: 'Currently "MCUboot" supports querying for mode of operation' },
    stimulus: 'Bootloader info with {"query": "mode"}.',
    requirement: '{"mode": int} in -1…9 ("no-downgrade": true optional); a build without MCUboot answers err{0,3} (Zephyr v4.0 sends rc 3: fails, named).',
    requires: ['smp.os.bootloader-info'],
    story: 'bootloader info',
    async run({ smp, expect }) {
      const reply = await smp.request(smpRequest(osCommands.bootloaderInfo, { query: 'mode' }));
      await expect.oneOf([
        () => expect.smpOk(reply).field('mode').toSatisfy((m) => m !== undefined && m >= KNOWN_MODES.min && m <= KNOWN_MODES.max, `an int in ${KNOWN_MODES.min}…${KNOWN_MODES.max}`),
        () => noBootloaderAnswer(expect, reply),
      ]);
    },
  });

  s.case({
    id: 'SMP-OS-BOOTINFO-003',
    title: 'bootloader info with an unknown query answers QUERY_YIELDS_NO_ANSWER as the v2 error err{0,3}',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g0', section: 'Bootloader Information Response', quote: 'This is optional and may be left out in case when query yields no response, SMP version 2 error code of OS_MGMT_ERR_QUERY_YIELDS_NO_ANSWER is expected.' },
    stimulus: 'Bootloader info with {"query": "mgmt-conformance"}.',
    requirement: 'The SMP v2 group error err{group 0, rc 3}. Zephyr v4.0 sends {"rc": 3} (the handler returns the code): that fails, named.',
    requires: ['smp.os.bootloader-info'],
    story: 'bootloader info',
    async run({ smp, expect }) {
      noBootloaderAnswer(expect, await smp.request(smpRequest(osCommands.bootloaderInfo, { query: 'mgmt-conformance' })));
    },
  });

  s.case({
    id: 'SMP-OS-BOOTINFO-004',
    title: 'bootloader info with "query" not a text string is refused with rc 3',
    level: 'MUST',
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' },
    stimulus: 'Bootloader info with {"query": 1}.',
    requirement: '{"rc": 3} (decode failure); a build without MCUboot may answer err{0,3} instead.',
    requires: ['smp.os.bootloader-info'],
    story: 'bootloader info',
    async run({ smp, expect }) {
      expect.mgmtErr(await smp.request({ command: osCommands.bootloaderInfo, body: { query: 1 } }), [EINVAL, NO_BOOTLOADER_ANSWER[0]]);
      await expect.alive();
    },
  });

  s.case({
    id: 'SMP-OS-BOOTINFO-005',
    title: 'bootloader info with an unknown query under SMP v1 answers rc 3 or its v1 translation rc 5',
    level: 'SHOULD', levelNote: 'the v1 code is Zephyr\'s translation table (QUERY_YIELDS_NO_ANSWER → ENOENT); the SMP documents say only that v1 errors are an "rc" from mcumgr_err_t, not which one',
    spec: { doc: 'zephyr-smp-protocol', section: 'Minimal response SMP data', quote: 'For SMP version 2, errors relating to SMP itself that are not group specific will still be returned as rc errors, SMP version 2 clients must therefore be able to handle both types of errors.' },
    stimulus: 'Bootloader info with {"query": "mgmt-conformance"} and header version bits 00.',
    requirement: 'QUERY_YIELDS_NO_ANSWER as a returned code ({"rc": 3}) or translated for v1 ({"rc": 5}); reply version 0.',
    requires: ['smp.os.bootloader-info', 'smp.v1'],
    story: 'bootloader info',
    async run({ smp, expect }) {
      const reply = await smp.request(smpRequest(osCommands.bootloaderInfo, { query: 'mgmt-conformance' }, { version: SmpVersion.V1 }));
      expect.mgmtErr(reply, { rc: [OsMgmtErr.QUERY_YIELDS_NO_ANSWER, MgmtErr.ENOENT] });
    },
  });
});
