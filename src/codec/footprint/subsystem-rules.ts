/**
 * Which subsystem a symbol belongs to, as data. Paths are relative to ZEPHYR_BASE and follow the
 * Zephyr v4.0 tree (`subsys/mgmt/mcumgr/grp/img_mgmt/`…); `**\/x/` matches the segments `x/`
 * anywhere (west modules sit outside ZEPHYR_BASE, e.g. `../modules/lib/zcbor/`). Symbol patterns
 * (`*` = any run of characters) place symbols the size tool reports without a source file, and
 * every symbol of an ELF file.
 *
 * Path rules are tried first, in table order (so a specific file precedes its directory); symbol
 * rules only for a symbol no path rule placed.
 */

/** The coarse split the footprint table prints. */
export type FootprintLayer =
  | 'management' // the management protocol itself: MCUmgr core and groups, LwM2M engine, objects, formats, zcbor
  | 'transport' // SMP transports, CoAP, the network stack
  | 'services' // OS services the management stack uses: fs, settings, storage, logging, shell, stats, crypto
  | 'kernel' // kernel and the OS library (printk, heap, buffers)
  | 'libc' // C library, POSIX options and the compiler runtime
  | 'platform' // drivers, arch, SoC, board, generated tables
  | 'application' // the sample's own code
  | 'emulation' // memory standing in for hardware on an emulated board (the flash simulator's store)
  | 'hidden' // bytes the size tool could not give to any symbol
  | 'unattributed'; // symbols no rule places

/** One subsystem and the rule that places symbols in it. */
export interface SubsystemRule {
  subsystem: string;
  layer: FootprintLayer;
  paths?: readonly string[];
  symbols?: readonly string[];
  /** Output sections (as the size tool names them) whose every symbol belongs here. */
  sections?: readonly string[];
}

const MCUMGR = 'subsys/mgmt/mcumgr';
const LWM2M = 'subsys/net/lib/lwm2m';

/** The attribution table, most specific first. */
export const SUBSYSTEM_RULES: readonly SubsystemRule[] = [
  // drivers/flash/flash_simulator.c keeps its backing store in a SIMFLASH region that the RAM
  // report counts; on a real board that memory is the flash chip.
  { subsystem: 'flash_sim.store', layer: 'emulation', sections: ['SIMFLASH'] },
  // MCUmgr SMP transports (before the core: they share the mcumgr tree).
  { subsystem: 'mcumgr.transport.uart', layer: 'transport', paths: [`${MCUMGR}/transport/src/smp_uart.c`, 'drivers/console/uart_mcumgr.c'] },
  { subsystem: 'mcumgr.transport.shell', layer: 'transport', paths: [`${MCUMGR}/transport/src/smp_shell.c`] },
  { subsystem: 'mcumgr.transport.udp', layer: 'transport', paths: [`${MCUMGR}/transport/src/smp_udp.c`] },
  { subsystem: 'mcumgr.transport.bt', layer: 'transport', paths: [`${MCUMGR}/transport/src/smp_bt.c`] },
  { subsystem: 'mcumgr.transport.serial', layer: 'transport', paths: [`${MCUMGR}/transport/src/serial_util.c`] },
  // The bearer-independent transport core holds the SMP packet buffer pool and the work queue
  // that runs every group handler: management machinery, like the LwM2M engine's message pool
  // and thread (which live in lwm2m_engine.c), so it counts as management, not transport.
  { subsystem: 'mcumgr.transport_core', layer: 'management', paths: [`${MCUMGR}/transport/`], symbols: ['smp_*transport*'] },
  // MCUmgr groups.
  { subsystem: 'mcumgr.os', layer: 'management', paths: [`${MCUMGR}/grp/os_mgmt/`], symbols: ['os_mgmt_*'] },
  { subsystem: 'mcumgr.img', layer: 'management', paths: [`${MCUMGR}/grp/img_mgmt/`], symbols: ['img_mgmt_*', 'g_img_mgmt_*'] },
  { subsystem: 'mcumgr.stat', layer: 'management', paths: [`${MCUMGR}/grp/stat_mgmt/`], symbols: ['stat_mgmt_*'] },
  { subsystem: 'mcumgr.settings', layer: 'management', paths: [`${MCUMGR}/grp/settings_mgmt/`], symbols: ['settings_mgmt_*'] },
  { subsystem: 'mcumgr.fs', layer: 'management', paths: [`${MCUMGR}/grp/fs_mgmt/`], symbols: ['fs_mgmt_*'] },
  { subsystem: 'mcumgr.shell', layer: 'management', paths: [`${MCUMGR}/grp/shell_mgmt/`], symbols: ['shell_mgmt_*'] },
  { subsystem: 'mcumgr.enum', layer: 'management', paths: [`${MCUMGR}/grp/enum_mgmt/`], symbols: ['enum_mgmt_*'] },
  { subsystem: 'mcumgr.zephyr_basic', layer: 'management', paths: [`${MCUMGR}/grp/zephyr_basic/`], symbols: ['zephyr_basic_*'] },
  // MCUmgr core: handler registry, SMP processing, zcbor helpers, headers.
  { subsystem: 'mcumgr.core', layer: 'management', paths: [`${MCUMGR}/`, 'include/zephyr/mgmt/mcumgr/'], symbols: ['smp_*', 'mgmt_*', '__mcumgr_handler_*'] },
  // Image handling below img_mgmt: MCUboot's public bootutil and Zephyr's DFU glue.
  { subsystem: 'dfu.mcuboot', layer: 'management', paths: ['subsys/dfu/', '**/modules/mcuboot/', '**/bootloader/mcuboot/', 'include/zephyr/dfu/'], symbols: ['boot_*', 'flash_img_*'] },
  { subsystem: 'zcbor', layer: 'management', paths: ['**/modules/zcbor/', '**/modules/lib/zcbor/'], symbols: ['zcbor_*'] },
  // LwM2M: content formats, objects, then the engine.
  {
    subsystem: 'lwm2m.formats', layer: 'management',
    paths: [`${LWM2M}/lwm2m_rw_`, `${LWM2M}/lwm2m_senml_cbor_`, `${LWM2M}/lwm2m_senml_`],
    symbols: ['*_writer', '*_reader', 'do_*_op_*', 'do_send_op_*'],
  },
  { subsystem: 'lwm2m.objects', layer: 'management', paths: [`${LWM2M}/lwm2m_obj_`, `${LWM2M}/ipso_`, `${LWM2M}/ucifi_`, `${LWM2M}/lwm2m_obj_gateway`] },
  { subsystem: 'lwm2m.engine', layer: 'management', paths: [`${LWM2M}/`, 'include/zephyr/net/lwm2m'], symbols: ['lwm2m_*', '_lwm2m_*'] },
  { subsystem: 'coap', layer: 'transport', paths: ['subsys/net/lib/coap/', 'include/zephyr/net/coap'], symbols: ['coap_*'] },
  // Network stack.
  { subsystem: 'net.sockets', layer: 'transport', paths: ['subsys/net/lib/sockets/', 'include/zephyr/net/socket'], symbols: ['zsock_*', '*_sock_fd_op_vtable', '__net_socket_register_*'] },
  { subsystem: 'net.l2', layer: 'transport', paths: ['subsys/net/l2/', 'include/zephyr/net/ethernet'], symbols: ['_net_l2_*', 'ethernet_*'] },
  { subsystem: 'net.ip', layer: 'transport', paths: ['subsys/net/ip/', 'include/zephyr/net/'], symbols: [
      'net_if*', 'net_pkt*', 'net_context*', 'net_route*', 'net_neighbor*', 'net_nbr*', 'net_ipv*', 'net_icmp*', 'net_mgmt*',
      'net_conn*', 'net_tc*', 'net_udp*', 'net_tcp*', 'net_addr*', 'in6addr_*', 'all_nodes_mcast_group*', 'tcp_*', 'udp_*', 'icmp*',
    ], },
  { subsystem: 'net.lib', layer: 'transport', paths: ['subsys/net/lib/', 'subsys/net/conn_mgr/', 'subsys/net/'], symbols: ['conn_mgr_*', 'dns_*'] },
  // Services the management stacks rely on.
  { subsystem: 'crypto', layer: 'services', paths: ['**/modules/mbedtls/', '**/modules/crypto/', '**/tinycrypt/', 'modules/mbedtls/', 'subsys/psa/', 'subsys/random/', 'subsys/crypto/'], symbols: ['mbedtls_*', 'psa_*', 'tc_*'] },
  { subsystem: 'fs', layer: 'services', paths: ['subsys/fs/', 'modules/littlefs/', '**/modules/littlefs/', '**/modules/fs/littlefs/', 'include/zephyr/fs/'], symbols: ['lfs_*', 'fs_*'] },
  { subsystem: 'settings', layer: 'services', paths: ['subsys/settings/', 'include/zephyr/settings/'], symbols: ['settings_*'] },
  { subsystem: 'storage', layer: 'services', paths: ['subsys/storage/', 'include/zephyr/storage/'], symbols: ['flash_area_*', 'stream_flash_*'] },
  { subsystem: 'stats', layer: 'services', paths: ['subsys/stats/', 'include/zephyr/stats/'], symbols: ['stats_*'] },
  { subsystem: 'logging', layer: 'services', paths: ['subsys/logging/', 'include/zephyr/logging/'], symbols: ['log_*', 'logging_*', '__log_*'] },
  { subsystem: 'shell', layer: 'services', paths: ['subsys/shell/', 'include/zephyr/shell/'], symbols: ['shell_*', '_shell_*', 'cmd_*'] },
  // Kernel and OS library.
  {
    subsystem: 'kernel', layer: 'kernel', paths: ['kernel/', 'include/zephyr/kernel', 'include/zephyr/sys/', 'include/zephyr/spinlock.h', 'subsys/mem_mgmt/'],
    symbols: ['z_*', '_kernel', '_thread_dummy', 'k_*', '_k_*', 'levels.*', 'z_interrupt_stacks'],
  },
  { subsystem: 'os.lib', layer: 'kernel', paths: ['lib/os/', 'lib/heap/', 'lib/utils/', 'lib/net_buf/', 'lib/crc/', 'lib/hash/', 'include/zephyr/net_buf.h'], symbols: ['net_buf_*', 'cbprintf*', 'printk*', 'sys_*', 'crc*'] },
  {
    subsystem: 'libc', layer: 'libc', paths: ['lib/libc/', 'lib/posix/', '**/libgcc', '**/newlib/', '**/picolibc/'],
    symbols: ['__aeabi_*', '__*df*', '__*sf*', '__*di*', '__*si*', '__gnu_*', 'opt*', 'memcpy', 'memset', 'strlen', 'strcmp', 'str*', 'mem*'],
  },
  // Platform.
  { subsystem: 'drivers', layer: 'platform', paths: ['drivers/', 'include/zephyr/drivers/'], symbols: ['__device_dts_ord_*', '*_api', 'uart_*', 'gpio_*', 'eth_*', 'flash_*'] },
  { subsystem: 'arch', layer: 'platform', paths: ['arch/', 'soc/', 'boards/', 'include/zephyr/arch/'], symbols: ['_sw_isr_table', '_irq_vector_table', '_vector_table', 'mpu_config', 'arch_*'] },
  { subsystem: 'generated', layer: 'platform', paths: ['**/zephyr/isr_tables.c', '**/zephyr/include/generated/', '**/zephyr/misc/generated/', '../build/'] },
  { subsystem: 'application', layer: 'application', paths: ['samples/', 'tests/', '**/app/', '**/src/main.c'] },
];
