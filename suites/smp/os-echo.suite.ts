/**
 * OS group echo (group 0, command 0): the reference style for SMP suites.
 * @see docs/spec/smp.md §3.1.1
 */
import fc from 'fast-check';
import { MgmtErr } from '../../src/codec/smp/constants.ts';
import { osCommands } from '../../src/codec/smp/groups/os.ts';
import { smpRequest } from '../../src/codec/smp/command.ts';
import { defineSuite } from '../../src/conformance/index.ts';

/** Echo request bytes the header and the CBOR map around `d` leave for the text. */
const ECHO_OVERHEAD_BYTES = 8 + 16;

defineSuite({ id: 'smp/os', protocol: 'SMP', feature: 'os', title: 'OS management: echo' }, (s) => {
  // "The response contains the string that was sent in the request." (group 0, Echo response)
  s.case({
    id: 'SMP-OS-ECHO-001',
    title: 'echo returns the string it was sent',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g0', section: 'Echo command', quote: 'Echo command responses by sending back string that it has received.' },
    stimulus: 'Echo (write) with "d": a 16-character text.',
    requirement: 'A success reply whose "r" equals "d", with op 3 and group/seq/id echoed.',
    requires: ['smp.os.echo'],
    story: 'echo',
    async run({ smp, expect, fixtures }) {
      const d = fixtures.text(16);
      expect.smpOk(await smp.request(smpRequest(osCommands.echo, { d }))).field('r').toBe(d);
      await expect.alive();
    },
  });

  s.case({
    id: 'SMP-OS-ECHO-002',
    title: 'echo of an empty string returns an empty string',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g0', section: 'Echo command', quote: 'Echo command responses by sending back string that it has received.' },
    stimulus: 'Echo with "d": "".',
    requirement: 'A success reply with "r": "" ("d": "" is valid).',
    requires: ['smp.os.echo'],
    story: 'echo',
    async run({ smp, expect }) {
      expect.smpOk(await smp.request(smpRequest(osCommands.echo, { d: '' }))).field('r').toBe('');
    },
  });

  s.case({
    id: 'SMP-OS-ECHO-003',
    title: 'echo with "d" as a byte string is refused with rc 3',
    level: 'MUST',
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' },
    stimulus: 'Echo with "d" encoded as a CBOR byte string instead of a text string.',
    requirement: 'A known key with the wrong major type fails decoding: {"rc": 3} (MGMT_ERR_EINVAL).',
    requires: ['smp.os.echo'],
    story: 'echo',
    async run({ smp, expect, fixtures }) {
      const reply = await smp.request({ command: osCommands.echo, body: { d: fixtures.bytes(4) } });
      expect.mgmtErr(reply, { rc: MgmtErr.EINVAL });
      await expect.alive();
    },
  });

  // Zephyr up to v4.0 answers "r": "" to a missing "d"; the 2026 fix (PR #117166) answers rc 3.
  s.case({
    id: 'SMP-OS-ECHO-004',
    title: 'echo without "d" is refused (rc 3) or, in Zephyr <= v4.0, echoes ""',
    level: 'MUST',
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' },
    stimulus: 'Echo with an empty map.',
    requirement: 'Either {"rc": 3} (current) or the released v4.0 behaviour "r": "".',
    requires: ['smp.os.echo'],
    story: 'echo',
    async run({ smp, expect }) {
      const reply = await smp.request({ command: osCommands.echo, body: {} });
      const { index } = await expect.oneOf([() => expect.mgmtErr(reply, { rc: MgmtErr.EINVAL }), () => expect.smpOk(reply).field('r').toBe('')]);
      expect.note(index === 0 ? 'current behaviour: rc 3' : 'Zephyr <= v4.0 behaviour: "r": ""');
    },
  });

  s.case({
    id: 'SMP-OS-ECHO-005',
    title: 'echo with op read is answered with op 1 and the same string',
    level: 'MAY',
    spec: { doc: 'smp-digest', section: '3.1.1 Echo (0)' },
    stimulus: 'Echo sent with op 0 (read) instead of the documented op 2.',
    requirement: 'Zephyr accepts both ops; when answered, the reply op is 1 with "r" = "d".',
    requires: ['smp.os.echo'],
    story: 'echo',
    async run({ smp, expect }) {
      expect.smpOk(await smp.request(smpRequest(osCommands.echoRead, { d: 'read' }))).field('r').toBe('read');
    },
  });

  s.property({
    id: 'SMP-OS-ECHO-006',
    title: 'echo returns any UTF-8 text that fits the buffer unchanged',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g0', section: 'Echo command', quote: 'Echo command responses by sending back string that it has received.' },
    stimulus: 'Echo with "d": generated texts (multi-byte UTF-8 included) up to the SMP buffer size.',
    requirement: '"r" equals "d" byte for byte; the device stays alive.',
    requires: ['smp.os.echo'],
    story: 'echo',
    numRuns: { udp: 300, serial: 40 },
    arbitrary: ({ session }) => {
      const maxBytes = Math.min(512, (session.params?.bufSize ?? 384) - ECHO_OVERHEAD_BYTES);
      return fc.string({ unit: 'grapheme', maxLength: 64 }).filter((t) => Buffer.byteLength(t) <= maxBytes);
    },
    async predicate({ smp, expect }, d) {
      expect.smpOk(await smp.request(smpRequest(osCommands.echo, { d }))).field('r').toBe(d);
    },
  });
});
