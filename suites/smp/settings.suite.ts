/**
 * Settings group (3): write and read back, overwrite, unknown and over-long keys, wrong types,
 * commit/load/save, a saved value surviving a reset and a deleted one not coming back. Keys live under the `test` subtree;
 * a device registering no handler there (Zephyr v4.0 smp_svr: ROOT_KEY_NOT_FOUND) leaves the
 * read/write cases unsupported.
 * @see docs/spec/smp.md §3.4
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { MgmtErr, MgmtGroup, SmpVersion } from '../../src/codec/smp/constants.ts';
import { osCommands } from '../../src/codec/smp/groups/os.ts';
import { settingsCommands, SettingsMgmtErr } from '../../src/codec/smp/groups/settings.ts';
import { smpRequest } from '../../src/codec/smp/command.ts';
import { defineSuite, requestLimitBytes, type CaseContext } from '../../src/conformance/index.ts';

const G = MgmtGroup.SETTINGS;
const KEY_NOT_FOUND = { v2: { group: G, rc: SettingsMgmtErr.KEY_NOT_FOUND } } as const;
/** The subtree the cases write under (the reference simulator registers a handler for it). */
const ROOT = 'test';
/** Zephyr's default reset delay is 250 ms: wait past it before polling. */
const RESET_SETTLE_MS = 1000;

/**
 * Write `val` to `name`; skips the case when the device has no handler for the subtree or no
 * write support (those are configuration, not conformance).
 */
async function writeOrSkip({ smp, expect, skip }: CaseContext, name: string, val: Uint8Array): Promise<void> {
  const reply = await smp.request(smpRequest(settingsCommands.write, { name, val }));
  const body = reply.body;
  if (body.kind === 'errV2' && body.group === G && (body.rc === SettingsMgmtErr.ROOT_KEY_NOT_FOUND || body.rc === SettingsMgmtErr.WRITE_NOT_SUPPORTED)) {
    skip(`no writable settings handler for "${ROOT}" (err {group 3, rc ${body.rc}}); Zephyr v4.0 smp_svr registers none`);
  }
  expect.smpOk(reply);
}

/** Read `name` and check it holds `val`. */
async function expectValue({ smp, expect }: CaseContext, name: string, val: Uint8Array): Promise<void> {
  expect.smpOk(await smp.request(smpRequest(settingsCommands.read, { name }))).field('val').toBe(val);
}

/** Reset the device (answer {}) and wait until it answers again. */
async function resetAndWait(ctx: CaseContext): Promise<void> {
  ctx.expect.smpOk(await ctx.smp.request(smpRequest(osCommands.reset, {})));
  await sleep(RESET_SETTLE_MS);
  ctx.expect.note(`device answered again after ${await ctx.expect.ready()} ms`);
}

defineSuite({ id: 'smp/settings', protocol: 'SMP', feature: 'settings', title: 'Settings management' }, (s) => {
  s.case({
    id: 'SMP-SETTINGS-001',
    title: 'a written setting is read back byte for byte',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g3', section: 'Read/write setting command', quote: 'Read/write setting command allows updating a setting entry on a device or getting the current value of a setting from a device.' },
    stimulus: `Settings write {"name": "${ROOT}/c1", "val": 8 bytes}, commit, then settings read of the same name.`,
    requirement: 'The write and the commit answer {}; the read answers {"val": the same bytes}.',
    requires: ['smp.settings'],
    story: 'read/write',
    async run(ctx) {
      const val = ctx.fixtures.bytes(8);
      await writeOrSkip(ctx, `${ROOT}/c1`, val);
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(settingsCommands.commit, {})));
      await expectValue(ctx, `${ROOT}/c1`, val);
    },
  });

  s.case({
    id: 'SMP-SETTINGS-002',
    title: 'a second write replaces the value',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g3', section: 'Read/write setting command', quote: 'Read/write setting command allows updating a setting entry on a device or getting the current value of a setting from a device.' },
    stimulus: `Settings write "${ROOT}/c2" with 4 bytes, then with 2 other bytes, then read.`,
    requirement: 'The read answers the second value only.',
    requires: ['smp.settings'],
    story: 'read/write',
    async run(ctx) {
      await writeOrSkip(ctx, `${ROOT}/c2`, Uint8Array.of(1, 2, 3, 4));
      await writeOrSkip(ctx, `${ROOT}/c2`, Uint8Array.of(9, 8));
      await expectValue(ctx, `${ROOT}/c2`, Uint8Array.of(9, 8));
    },
  });

  s.case({
    id: 'SMP-SETTINGS-003',
    title: 'a key under an unregistered root answers ROOT_KEY_NOT_FOUND err{3,5}',
    level: 'MUST',
    spec: { doc: 'zephyr-settings-mgmt-h', section: 'enum settings_mgmt_err_code_t', quote: 'The provided root key name does not exist.' },
    stimulus: 'Settings read and write of "mgmtconf-none/key" (no handler has that root).',
    requirement: 'Group error 5 (SETTINGS_MGMT_ERR_ROOT_KEY_NOT_FOUND) as err{group 3, rc 5} for both.',
    requires: ['smp.settings'],
    story: 'read/write',
    async run({ smp, expect }) {
      const rootNotFound = { v2: { group: G, rc: SettingsMgmtErr.ROOT_KEY_NOT_FOUND } } as const;
      expect.mgmtErr(await smp.request(smpRequest(settingsCommands.read, { name: 'mgmtconf-none/key' })), rootNotFound);
      expect.mgmtErr(await smp.request(smpRequest(settingsCommands.write, { name: 'mgmtconf-none/key', val: Uint8Array.of(1) })), rootNotFound);
    },
  });

  s.case({
    id: 'SMP-SETTINGS-004',
    title: 'a key name longer than the device accepts answers KEY_TOO_LONG err{3,2}',
    level: 'MUST',
    spec: { doc: 'zephyr-settings-mgmt-h', section: 'enum settings_mgmt_err_code_t', quote: 'The provided key name is too long to be used.' },
    stimulus: `Settings read of "${ROOT}/" followed by 250 letters (fewer where the request limit is smaller, still far past 32), with a v2 header, then with a v1 header where the device answers v1.`,
    requirement: 'Group error 2 (SETTINGS_MGMT_ERR_KEY_TOO_LONG) as err{group 3, rc 2}; under v1 its translation rc 3 (EINVAL), or rc 1 where the build has no translation.',
    requires: ['smp.settings'],
    story: 'read/write',
    async run(ctx) {
      const { smp, expect, fixtures, session } = ctx;
      // 250 letters where the request limit allows (header, map, "name" and a 2-byte head take 16 bytes).
      const name = `${ROOT}/${fixtures.text(Math.min(250, requestLimitBytes(ctx) - 16 - ROOT.length - 1))}`;
      const tooLong = { v2: { group: G, rc: SettingsMgmtErr.KEY_TOO_LONG }, v1: [MgmtErr.EINVAL, MgmtErr.EUNKNOWN] } as const;
      expect.mgmtErr(await smp.request(smpRequest(settingsCommands.read, { name })), tooLong);
      if (session.smpVersions.v1) expect.mgmtErr(await smp.request(smpRequest(settingsCommands.read, { name }, { version: SmpVersion.V1 })), tooLong);
      await expect.alive();
    },
  });

  s.case({
    id: 'SMP-SETTINGS-005',
    title: 'settings write with "val" as a text string is refused with rc 3 and stores nothing',
    level: 'MUST',
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' },
    stimulus: `Settings write {"name": "${ROOT}/c7", "val": "text"}, then read "${ROOT}/c7".`,
    requirement: 'A wrongly typed "val" fails decoding: {"rc": 3}; nothing is stored (read: KEY_NOT_FOUND, or ROOT_KEY_NOT_FOUND without a handler).',
    requires: ['smp.settings'],
    story: 'read/write',
    async run({ smp, expect }) {
      const name = `${ROOT}/c7`;
      expect.mgmtErr(await smp.request({ command: settingsCommands.write, body: { name, val: 'text' } }), { rc: MgmtErr.EINVAL });
      expect.mgmtErr(await smp.request(smpRequest(settingsCommands.read, { name })), [KEY_NOT_FOUND, { v2: { group: G, rc: SettingsMgmtErr.ROOT_KEY_NOT_FOUND } }]);
    },
  });

  // Load re-applies what storage holds; a build without a persistent backend has nothing to restore.
  s.case({
    id: 'SMP-SETTINGS-006',
    title: 'load brings back the saved value over an unsaved change',
    level: 'SHOULD',
    spec: { doc: 'zephyr-smp-g3', section: 'Load/Save settings' },
    stimulus: `Write "${ROOT}/c8" = A, save {"name": "${ROOT}"}, write B, load, read "${ROOT}/c8".`,
    requirement: 'Save (subtree) and load answer {}; load re-reads persistent storage, so the read answers A.',
    requires: ['smp.settings'],
    story: 'commit/load/save',
    async run(ctx) {
      const [a, b] = [Uint8Array.of(0xa), Uint8Array.of(0xb)];
      await writeOrSkip(ctx, `${ROOT}/c8`, a);
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(settingsCommands.save, { name: ROOT })));
      await writeOrSkip(ctx, `${ROOT}/c8`, b);
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(settingsCommands.load, {})));
      await expectValue(ctx, `${ROOT}/c8`, a);
    },
  });

  s.case({
    id: 'SMP-SETTINGS-007',
    title: 'a saved setting survives a reset',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g3', section: 'Load/Save settings command', quote: 'Load/Save settings command allows loading/saving all serialized items from/to persistent storage on a device.' },
    stimulus: `Settings write "${ROOT}/persist", save, reset, wait for the device, read "${ROOT}/persist".`,
    requirement: 'Save writes the value to persistent storage: after the reboot the read answers the value written.',
    requires: ['smp.settings', 'smp.os.reset'],
    story: 'commit/load/save',
    destructive: true,
    timeoutMs: 60_000,
    async run(ctx) {
      const val = ctx.fixtures.bytes(6);
      await writeOrSkip(ctx, `${ROOT}/persist`, val);
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(settingsCommands.save, {})));
      await resetAndWait(ctx);
      await expectValue(ctx, `${ROOT}/persist`, val);
    },
  });
  s.case({
    id: 'SMP-SETTINGS-008',
    title: 'a saved setting that was deleted does not come back after a reset',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g3', section: 'Delete setting command', quote: 'Delete setting command allows deleting a setting on a device.' },
    stimulus: `Settings write "${ROOT}/gone", save, delete (answer {}), reset, wait for the device, read "${ROOT}/gone".`,
    requirement: 'Delete removes the stored copy (the runtime value may stay until the next load): after the reboot the read answers KEY_NOT_FOUND err{3,3}.',
    requires: ['smp.settings', 'smp.os.reset'],
    story: 'delete',
    destructive: true,
    timeoutMs: 60_000,
    async run(ctx) {
      await writeOrSkip(ctx, `${ROOT}/gone`, Uint8Array.of(7));
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(settingsCommands.save, {})));
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(settingsCommands.delete, { name: `${ROOT}/gone` })));
      await resetAndWait(ctx);
      ctx.expect.mgmtErr(await ctx.smp.request(smpRequest(settingsCommands.read, { name: `${ROOT}/gone` })), KEY_NOT_FOUND);
    },
  });
  s.case({
    id: 'SMP-SETTINGS-009',
    title: 'reading a key that was never written answers KEY_NOT_FOUND err{3,3}',
    level: 'MUST',
    spec: { doc: 'zephyr-settings-mgmt-h', section: 'enum settings_mgmt_err_code_t', quote: 'The provided key name does not exist.' },
    stimulus: `Settings read {"name": "${ROOT}/never-written"}.`,
    requirement: 'Group error 3 (SETTINGS_MGMT_ERR_KEY_NOT_FOUND) as err{group 3, rc 3}; without a handler for the subtree the case is unsupported.',
    requires: ['smp.settings'],
    story: 'read/write',
    async run({ smp, expect, skip }) {
      const reply = await smp.request(smpRequest(settingsCommands.read, { name: `${ROOT}/never-written` }));
      const body = reply.body;
      if (body.kind === 'errV2' && body.group === G && body.rc === SettingsMgmtErr.ROOT_KEY_NOT_FOUND) skip(`no settings handler for "${ROOT}" (ROOT_KEY_NOT_FOUND)`);
      expect.mgmtErr(reply, KEY_NOT_FOUND);
    },
  });
});
