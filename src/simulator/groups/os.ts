/**
 * OS management (group 0): echo, taskstat, memory-pool statistics (a profile only), date/time,
 * reset, MCUmgr params, info, bootloader info.
 * @see docs/spec/smp.md §3.1
 */
import { MgmtErr, MgmtGroup } from '../../codec/smp/constants.ts';
import type { SimDevice } from '../device.ts';
import { MARKUP_STRINGS } from '../hostile-faults.ts';
import { BUILD_DATE } from '../device.ts';
import { decodeRequest } from '../request.ts';
import { groupErr, okRsp, rcRsp, type CommandHandlers, type GroupDefinition, type HandlerContext, type HandlerResult, type RspMap } from '../types.ts';
import { getDatetime, setDatetime } from './os-datetime.ts';
import { mpstatCommand } from './os-mpstat.ts';

/** `os_mgmt_err_code_t` values the simulator uses. */
const OsErr = { INVALID_FORMAT: 2, QUERY_YIELDS_NO_ANSWER: 3 } as const;

/** MCUboot mode reported by bootloader info: swap without scratch (swap-move). */
const MCUBOOT_MODE_SWAP_MOVE = 3;

function echo(device: SimDevice, ctx: HandlerContext): HandlerResult {
  const lenient = device.faults.has('echo-bstr-accepted') ? decodeRequest(ctx.payload, { d: 'bstr' }) : undefined;
  if (lenient?.ok === true && lenient.value.d !== undefined) return okRsp({ r: new TextDecoder().decode(lenient.value.d) });
  const req = decodeRequest(ctx.payload, { d: 'tstr' });
  if (req.ok && req.value.d === undefined && device.faults.has('echo-missing-d-empty-map')) return okRsp({});
  // Newest behaviour (PR #117166): a missing "d" is an error, not an empty echo.
  if (!req.ok || req.value.d === undefined) return rcRsp(MgmtErr.EINVAL);
  const limit = device.faults.param('echo-truncated');
  const r = limit === undefined ? req.value.d : [...req.value.d].slice(0, limit).join('');
  return okRsp({ r });
}

interface ThreadModel {
  name: string;
  prio: number;
  state: number;
  stksiz: number;
  baseUse: number;
  /** Share of CPU time, for a `runtime` that moves. */
  load: number;
}

/** Threads of the smp_svr sample as in the capture (names, priorities, states). */
const THREADS: readonly ThreadModel[] = [
  { name: 'mcumgr smp', prio: 3, state: 128, stksiz: 1024, baseUse: 412, load: 0.02 },
  { name: 'smp_udp6', prio: 0, state: 2, stksiz: 256, baseUse: 118, load: 0.001 },
  { name: 'smp_udp4', prio: 0, state: 2, stksiz: 256, baseUse: 121, load: 0.004 },
  { name: 'conn_mgr_monitor', prio: -1, state: 2, stksiz: 256, baseUse: 90, load: 0.001 },
  { name: 'rx_q[0]', prio: -1, state: 2, stksiz: 384, baseUse: 101, load: 0.003 },
  { name: 'net_mgmt', prio: -1, state: 2, stksiz: 192, baseUse: 88, load: 0.001 },
  { name: 'shell_uart', prio: 14, state: 2, stksiz: 512, baseUse: 230, load: 0.002 },
  { name: 'sysworkq', prio: -1, state: 2, stksiz: 256, baseUse: 60, load: 0.002 },
  { name: 'shell_dummy', prio: 14, state: 2, stksiz: 512, baseUse: 150, load: 0.001 },
  { name: 'idle', prio: 15, state: 0, stksiz: 80, baseUse: 18, load: 0.96 },
  { name: 'main', prio: 0, state: 16, stksiz: 512, baseUse: 200, load: 0.005 },
];

/**
 * Task statistics with stack and runtime info enabled. Stack sizes and use are in 4-byte words;
 * `runtime` grows with uptime; `cswcnt`, `last_checkin`, `next_checkin` are Zephyr's
 * "unsupported" fields, always 0.
 */
function taskstat(device: SimDevice): HandlerResult {
  const uptime = device.uptimeMs();
  const overflow = device.faults.has('taskstat-stack-overflow');
  const tasks: Record<string, RspMap> = {};
  THREADS.forEach((t, tid) => {
    const wobble = (device.counters.requests + tid) % 7;
    const stkuse = overflow && t.name === 'mcumgr smp' ? t.stksiz + 16 : Math.min(t.stksiz, t.baseUse + wobble);
    tasks[t.name] = {
      prio: t.prio,
      tid,
      state: t.state,
      stksiz: t.stksiz,
      stkuse,
      runtime: Math.floor(uptime * 1000 * t.load),
      cswcnt: 0,
      last_checkin: 0,
      next_checkin: 0,
    };
  });
  return okRsp({ tasks });
}

function reset(device: SimDevice, ctx: HandlerContext): HandlerResult {
  // The handler decodes "force" as a bool and ignores decode failures (§3.1.5).
  decodeRequest(ctx.payload, { force: 'bool' });
  if (!device.faults.has('reset-does-nothing')) device.scheduleReset();
  device.log('<inf> os_mgmt: reset requested');
  return okRsp({});
}

function params(device: SimDevice): HandlerResult {
  const bufCount = device.faults.has('params-zero-count') ? 0 : device.options.bufCount;
  return okRsp({ buf_size: device.options.bufSize, buf_count: bufCount });
}

/** os info items in their fixed output order (§3.1.7), values of the capture's build. */
const INFO_ITEMS: readonly (readonly [string, string])[] = [
  ['s', 'Zephyr'],
  ['n', 'unknown'],
  ['r', '0d6f47a50097'],
  ['v', '4.0.0'],
  ['b', BUILD_DATE],
  ['m', 'posix'],
  ['p', 'unknown'],
  ['i', 'native_sim'],
  ['o', 'Zephyr'],
];

/** `os-info-script`: the same items, with markup in place of the text values. */
const MARKUP_INFO_ITEMS: readonly (readonly [string, string])[] = INFO_ITEMS.map(([k, v]) => {
  const markup: Record<string, string> = { s: MARKUP_STRINGS.kernel, n: MARKUP_STRINGS.node, r: MARKUP_STRINGS.release, v: MARKUP_STRINGS.version, m: MARKUP_STRINGS.machine, i: MARKUP_STRINGS.platform };
  return [k, markup[k] ?? v] as const;
});

function info(device: SimDevice, ctx: HandlerContext): HandlerResult {
  const items = device.faults.has('os-info-script') ? MARKUP_INFO_ITEMS : INFO_ITEMS;
  // The fault answers every item without looking at the request at all.
  if (device.faults.has('info-format-ignored')) return okRsp({ output: items.map(([, v]) => v).join(' ') });
  const req = decodeRequest(ctx.payload, { format: 'tstr' });
  if (!req.ok) return rcRsp(MgmtErr.EINVAL);
  const format = req.value.format === undefined || req.value.format === '' ? 's' : req.value.format;
  const wanted = new Set<string>();
  for (const ch of format) {
    if (ch === 'a') INFO_ITEMS.forEach(([k]) => wanted.add(k));
    else if (items.some(([k]) => k === ch)) wanted.add(ch);
    else return groupErr(OsErr.INVALID_FORMAT);
  }
  const output = items.filter(([k]) => wanted.has(k)).map(([, v]) => v).join(' ');
  return okRsp({ output });
}

function bootloaderInfo(device: SimDevice, ctx: HandlerContext): HandlerResult {
  if (device.faults.has('bootloader-info-confused')) return confusedBootloaderInfo(ctx);
  const req = decodeRequest(ctx.payload, { query: 'tstr' });
  if (!req.ok) return rcRsp(MgmtErr.EINVAL);
  if (req.value.query === undefined) return okRsp({ bootloader: device.faults.has('os-info-script') ? MARKUP_STRINGS.bootloader : 'MCUboot' });
  if (req.value.query === 'mode') return okRsp({ mode: MCUBOOT_MODE_SWAP_MOVE });
  // The group 0 text expects the v2 group error. Zephyr v4.0's handler *returns* the code, so its
  // dispatcher sends a top-level rc 3 instead: the `bootloader-info-rc-form` fault.
  if (device.faults.has('bootloader-info-rc-form')) return rcRsp(OsErr.QUERY_YIELDS_NO_ANSWER);
  return groupErr(OsErr.QUERY_YIELDS_NO_ANSWER);
}

/** The `bootloader-info-confused` fault: the mode for no query, the name for any query (any type). */
function confusedBootloaderInfo(ctx: HandlerContext): HandlerResult {
  const req = decodeRequest(ctx.payload, { query: 'tstr' });
  const hasQuery = !req.ok || req.value.query !== undefined;
  return okRsp(hasQuery ? { bootloader: 'MCUboot' } : { mode: MCUBOOT_MODE_SWAP_MOVE });
}

const commands = new Map<number, CommandHandlers<SimDevice>>([
  [0, { read: echo, write: echo }],
  [2, { read: taskstat }],
  [3, mpstatCommand],
  [4, { read: getDatetime, write: setDatetime }],
  [5, { write: reset }],
  [6, { read: params }],
  [7, { read: info }],
  [8, { read: bootloaderInfo }],
]);

/** The OS group as registered (9 handler slots: ids 0–8; 1 is a hole, and so is 3 unless `os-mpstat-pools` is on). */
export const osGroup: GroupDefinition<SimDevice> = { id: MgmtGroup.OS, name: 'os mgmt', handlerCount: 9, commands };
