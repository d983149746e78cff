/**
 * Zephyr basic group (63): storage erase. Destructive: it wipes the storage partition (the
 * file system and stored settings live there), so it runs only where the target allows it.
 * @see docs/spec/smp.md §3.9
 */
import { MgmtErr } from '../../src/codec/smp/constants.ts';
import { zephyrCommands } from '../../src/codec/smp/groups/zephyr.ts';
import { smpRequest } from '../../src/codec/smp/command.ts';
import { defineSuite } from '../../src/conformance/index.ts';

defineSuite({ id: 'smp/zephyr-basic', protocol: 'SMP', feature: 'zephyr basic', title: 'Zephyr basic management' }, (s) => {
  s.case({
    id: 'SMP-ZBASIC-ERASE-001',
    title: 'storage erase answers {} and the device keeps answering',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g63', section: 'Erase storage command', quote: 'Erase storage command allows clearing the storage_partition flash partition on a device, generally this is used when switching to a new application build if the application uses storage that should be cleared (application dependent).' },
    stimulus: 'Zephyr basic storage erase (group 63, id 0, op 2) with an empty map.',
    requirement: 'The storage_partition is erased: an empty success map (errors would be err{63, 2|3|4}); the device still answers afterwards.',
    requires: ['smp.zephyr.storage-erase'],
    story: 'storage erase',
    destructive: true,
    async run({ smp, expect }) {
      expect.smpOk(await smp.request(smpRequest(zephyrCommands.storageErase, {})));
      await expect.alive();
    },
  });

  s.case({
    id: 'SMP-ZBASIC-ERASE-002',
    title: 'storage erase sent as a read (op 0) is refused with rc 8 and erases nothing',
    level: 'MUST',
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Command not supported.' },
    stimulus: 'Group 63, id 0 with op 0 (read) instead of op 2.',
    requirement: 'The command has only a write handler: {"rc": 8} (MGMT_ERR_ENOTSUP), reply op 1.',
    requires: ['smp.zephyr.storage-erase'],
    story: 'storage erase',
    destructive: true,
    async run({ smp, expect }) {
      const asRead = { ...zephyrCommands.storageErase, op: 0 };
      expect.mgmtErr(await smp.request({ command: asRead, body: {} }), { rc: MgmtErr.ENOTSUP });
    },
  });
});
