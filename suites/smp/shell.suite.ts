/**
 * Shell group (9): command execution, its output and return value, and the refusals for empty,
 * over-long and malformed argument lists.
 * @see docs/spec/smp.md §3.6, §6.7 item 70
 */
import { MgmtErr, MgmtGroup, SmpVersion } from '../../src/codec/smp/constants.ts';
import { shellCommands, ShellMgmtErr } from '../../src/codec/smp/groups/shell.ts';
import { smpRequest } from '../../src/codec/smp/command.ts';
import { defineSuite, requestLimitBytes } from '../../src/conformance/index.ts';

const EINVAL = { rc: MgmtErr.EINVAL } as const;
const EMPTY_COMMAND = { v2: { group: MgmtGroup.SHELL, rc: ShellMgmtErr.EMPTY_COMMAND } } as const;
/** Zephyr's default CONFIG_SHELL_CMD_BUFF_SIZE is 256: a line well past it, within any SMP buffer. */
const TOO_LONG_CHARS = 600;
/** Zephyr's default CONFIG_SHELL_CMD_BUFF_SIZE: a line this long does not fit. */
const SHELL_CMD_BUFF_BYTES = 256;
/** Exec request bytes besides the long argument: header, map, "argv", array head, "echo", a 3-byte text head. */
const EXEC_OVERHEAD_BYTES = 8 + 1 + 5 + 1 + 5 + 3;
/** A command no firmware registers. */
const UNKNOWN_COMMAND = 'mgmtconfnosuchcmd';

defineSuite({ id: 'smp/shell', protocol: 'SMP', feature: 'shell', title: 'Shell management' }, (s) => {
  s.case({
    id: 'SMP-SHELL-EXEC-001',
    title: 'shell exec of "kernel version" answers the command output and ret 0',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g9', section: 'Shell command line execute', quote: 'The command allows to execute command line in a similar way to typing it into a shell, but both a request and a response are transported over SMP.' },
    stimulus: 'Shell exec {"argv": ["kernel", "version"]} (the kernel shell module).',
    requirement: '{"o": tstr, "ret": 0} with the output of the command (Zephyr: "Zephyr version …"); a legacy build sends "rc" instead of "ret".',
    requires: ['smp.shell'],
    story: 'exec',
    async run({ smp, expect, skip }) {
      const rsp = expect.smpOk(await smp.request(smpRequest(shellCommands.exec, { argv: ['kernel', 'version'] })));
      const ret = rsp.ret ?? rsp.rc;
      if (ret !== 0 && /not found|unknown/i.test(rsp.o)) skip(`"kernel" is not a shell command on this device: ${JSON.stringify(rsp.o)}`);
      expect.that(ret === 0, { expected: '"ret": 0', actual: `"ret": ${ret}` });
      expect.that(/version/i.test(rsp.o), { expected: '"o" holding the command output (a version line)', actual: `"o": ${JSON.stringify(rsp.o)}` });
      if (rsp.ret === undefined) expect.note('legacy "rc" instead of "ret" (CONFIG_MCUMGR_GRP_SHELL_LEGACY_RC_RETURN_CODE)');
    },
  });

  s.case({
    id: 'SMP-SHELL-EXEC-002',
    title: 'shell exec of an unknown command is answered with a non-zero ret and an explanation',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g9', section: 'Shell command line execute', quote: 'The command allows to execute command line in a similar way to typing it into a shell, but both a request and a response are transported over SMP.' },
    stimulus: `Shell exec {"argv": ["${UNKNOWN_COMMAND}"]}.`,
    requirement: 'A success reply (the SMP request was fine) whose "ret" is the shell\'s non-zero error and whose "o" is not empty.',
    requires: ['smp.shell'],
    story: 'exec',
    async run({ smp, expect }) {
      const rsp = expect.smpOk(await smp.request(smpRequest(shellCommands.exec, { argv: [UNKNOWN_COMMAND] })));
      const ret = rsp.ret ?? rsp.rc;
      expect.that(ret !== undefined && ret !== 0, { expected: 'a non-zero "ret"', actual: `"ret": ${ret}` });
      expect.that(rsp.o.trim().length > 0, { expected: 'a non-empty "o" (the shell\'s message)', actual: `"o": ${JSON.stringify(rsp.o)}` });
    },
  });

  s.case({
    id: 'SMP-SHELL-EXEC-003',
    title: 'shell exec with an empty argv answers EMPTY_COMMAND (v2 err{9,3}, v1 rc 3)',
    level: 'MUST',
    spec: { doc: 'zephyr-shell-mgmt-h', section: 'enum shell_mgmt_err_code_t', quote: 'No command to execute was provided.' },
    stimulus: 'Shell exec {"argv": []} with a v2 header, then with a v1 header where the device answers v1.',
    requirement: 'Group error 3 (SHELL_MGMT_ERR_EMPTY_COMMAND): err{group 9, rc 3} under v2, rc 3 under v1.',
    requires: ['smp.shell'],
    story: 'exec',
    async run({ smp, expect, session }) {
      expect.mgmtErr(await smp.request(smpRequest(shellCommands.exec, { argv: [] })), EMPTY_COMMAND);
      if (session.smpVersions.v1) expect.mgmtErr(await smp.request(smpRequest(shellCommands.exec, { argv: [] }, { version: SmpVersion.V1 })), EMPTY_COMMAND);
      await expect.alive();
    },
  });

  s.case({
    id: 'SMP-SHELL-EXEC-004',
    title: 'shell exec whose first argument is not text answers EMPTY_COMMAND err{9,3}',
    level: 'SHOULD', levelNote: 'the group document defines "argv" as strings and names no answer to a non-text element; EMPTY_COMMAND for it is how Zephyr\'s shell_mgmt parses',
    spec: { doc: 'zephyr-shell-mgmt-h', section: 'enum shell_mgmt_err_code_t', quote: 'No command to execute was provided.' },
    stimulus: 'Shell exec {"argv": [1, "version"]}.',
    requirement: 'Parsing stops at the first non-text element, leaving no command: err{group 9, rc 3}.',
    requires: ['smp.shell'],
    story: 'exec',
    async run({ smp, expect }) {
      expect.mgmtErr(await smp.request({ command: shellCommands.exec, body: { argv: [1, 'version'] } }), EMPTY_COMMAND);
    },
  });

  s.case({
    id: 'SMP-SHELL-EXEC-005',
    title: 'shell exec of a command line longer than the shell buffer answers COMMAND_TOO_LONG err{9,2}',
    level: 'MUST',
    spec: { doc: 'zephyr-shell-mgmt-h', section: 'enum shell_mgmt_err_code_t', quote: 'The provided command to execute is too long.' },
    stimulus: `Shell exec with argv ["echo", ${TOO_LONG_CHARS} letters] (well past the default 256-byte CONFIG_SHELL_CMD_BUFF_SIZE), fewer where the request limit is smaller but still past 256 bytes.`,
    requirement: 'Group error 2 (SHELL_MGMT_ERR_COMMAND_TOO_LONG) as err{group 9, rc 2}; nothing is run.',
    requires: ['smp.shell'],
    story: 'exec',
    async run(ctx) {
      const { smp, expect, fixtures } = ctx;
      // The longest line the request limit takes, at most TOO_LONG_CHARS; it must still overflow the shell buffer.
      const chars = Math.min(TOO_LONG_CHARS, requestLimitBytes(ctx) - EXEC_OVERHEAD_BYTES);
      if (chars + 'echo '.length < SHELL_CMD_BUFF_BYTES) ctx.skip(`precondition not met: a command line of ${SHELL_CMD_BUFF_BYTES} bytes needs a ${SHELL_CMD_BUFF_BYTES - 'echo '.length + EXEC_OVERHEAD_BYTES}-byte request, over this link's request limit of ${requestLimitBytes(ctx)} bytes (the serial transport MTU)`);
      const argv = ['echo', fixtures.text(chars)];
      expect.mgmtErr(await smp.request(smpRequest(shellCommands.exec, { argv })), { v2: { group: MgmtGroup.SHELL, rc: ShellMgmtErr.COMMAND_TOO_LONG } });
      await expect.alive();
    },
  });

  s.case({
    id: 'SMP-SHELL-EXEC-006',
    title: 'shell exec with "argv" not an array, or missing, is refused with rc 3',
    level: 'MUST',
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' },
    stimulus: 'Shell exec {"argv": "kernel version"} (text), {"argv": {}} (map), then an empty map.',
    requirement: '"argv" must be an array: each is answered {"rc": 3} (MGMT_ERR_EINVAL).',
    requires: ['smp.shell'],
    story: 'exec',
    async run({ smp, expect }) {
      for (const body of [{ argv: 'kernel version' }, { argv: {} }, {}]) {
        expect.mgmtErr(await smp.request({ command: shellCommands.exec, body }), EINVAL);
      }
      await expect.alive();
    },
  });
  // shell_mgmt stops at the first non-text element and runs what it has (smp.md §3.6, source).
  s.case({
    id: 'SMP-SHELL-EXEC-007',
    title: 'shell exec with a non-text element after the command runs the text before it, or is refused with rc 3',
    level: 'MUST',
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' },
    stimulus: 'Shell exec {"argv": ["kernel", "version", 5]}.',
    requirement: 'Zephyr runs "kernel version" ({"o": version output, "ret": 0}); a stricter server may refuse the malformed argv with {"rc": 3}.',
    requires: ['smp.shell'],
    story: 'exec',
    async run({ smp, expect }) {
      const reply = await smp.request({ command: shellCommands.exec, body: { argv: ['kernel', 'version', 5] } });
      const { index } = await expect.oneOf([
        () => expect.smpOk(reply).field('o').toMatch(/version/i),
        () => expect.mgmtErr(reply, EINVAL),
      ]);
      expect.note(index === 0 ? 'ran the text elements before the non-text one (Zephyr)' : 'refused with rc 3');
    },
  });
});
