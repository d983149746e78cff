/**
 * The reference SMP device: Zephyr v4.x `smp_svr` behaviour (all groups) over loopback UDP
 * (IPv4/IPv6) and a real pseudo-terminal, one shared device state, optional fault profiles.
 *
 * Replies are byte-identical to the Zephyr v4.0 captures except where this build enables more
 * than the captured one: task stack/runtime info, image slot info, image check (`match` on the
 * last upload chunk), sha256 file hashes, a `test` settings handler with a persistent store,
 * and an MCUboot (bootloader info, swap-move mode, test/confirm/revert on reset). Where Zephyr
 * versions differ the newest behaviour is used (echo without `d` → rc 3). Choices where the
 * capture cannot tell: a reset clears the RTC (a fresh native_sim start has it unset) and the
 * endpoints keep running through the reboot; all five image flags are sent, false ones too.
 * @see docs/spec/smp.md, docs/architecture.md "Simulator"
 */
import { SMP_UDP_PORT } from '../codec/smp/constants.ts';
import { ConfigError } from '../errors.ts';
import { SimDevice, SLOT_BYTES_RANGE, SLOT_SIZE_BYTES, type ErrorForm } from './device.ts';
import { openSerialEndpoint, type SerialEndpoint } from './endpoints/serial.ts';
import { openUdpEndpoint, type UdpEndpoint } from './endpoints/udp.ts';
import { ActiveFaults } from './faults.ts';
import { oversizeDatagram, onDeviceGone } from './hostile-faults.ts';
import { SmpServer } from './smp-server.ts';

export { FAULT_PROFILES, type FaultProfile } from './faults.ts';
export type { ErrorForm } from './device.ts';
export { SLOT_BYTES_RANGE, SLOT_SIZE_BYTES } from './device.ts';
export { startLwm2mClientSimulator, LWM2M_FAULT_PROFILES, type Lwm2mClientSimulatorOptions, type RunningLwm2mClient } from './lwm2m-client/index.ts';
export { startManyLwm2mClients, type ManyLwm2mClients, type ManyLwm2mClientsOptions, type BootstrapEvent } from './lwm2m-client/index.ts';

/** Where a UDP endpoint listens. */
export interface UdpEndpointOptions {
  /** Default 127.0.0.1 (IPv4) or ::1 (IPv6). */
  host?: string;
  /** Default 1337; 0 = any free port. */
  port?: number;
}

/** How to start the simulator. Defaults: UDP on 127.0.0.1:1337, no IPv6, no serial. */
export interface SimulatorOptions {
  udp?: UdpEndpointOptions | false;
  udp6?: UdpEndpointOptions | false;
  /**
   * A real pseudo-terminal; `baudRate` turns on line-rate emulation (bytes paced at baud/10 per
   * second); `rxLineBuffers` emulates the UART transport's receive line buffers (commonly 2), so
   * lines written in a burst are lost unless the sender paces them; `mtu` is the largest SMP packet
   * the serial transport takes (default `SERIAL_MTU_BYTES`, as Zephyr; larger frames are dropped).
   */
  serial?: boolean | { baudRate?: number; rxLineBuffers?: number; mtu?: number };
  /** Fault profile names, `name` or `name:param`. */
  faults?: string[];
  /** `v2` (default): Zephyr ≥ 3.4. `v1`: a pre-3.4 server (version bits ignored, v1 `rc` only). */
  errorForm?: ErrorForm;
  /** SMP buffer size including the header (default 2048). */
  bufSize?: number;
  /** SMP buffers shared by requests and responses (default 2). */
  bufCount?: number;
  /** Processing time per request buffer (default 0). */
  processingMs?: number;
  /** Size of each image slot in bytes (default 0x69000, the capture's native_sim partition). */
  slotBytes?: number;
  /** Bytes the file system holds (default 16 KiB, the smp_svr native_sim `storage` partition). */
  fsBytes?: number;
  /** Zephyr-style log lines between serial frames (default true). */
  consoleText?: boolean;
  /** Every console log line of the device (the `sim` command prints the error lines, as native_sim does on stdout). */
  onLog?: (line: string) => void;
  /** A fault killed the device (`exit`: the host process should end, as a crashed native_sim does). */
  onFatal?: (how: 'exit' | 'halt') => void;
  /**
   * Called after a hostile profile made the device disappear (`vanish-after-requests`) or exit
   * (`exit-mid-upload`) and its endpoints were closed; `mgmt-conformance sim` exits on `exit`.
   */
  onGone?: (reason: 'vanish' | 'exit') => void;
}

/**
 * Zephyr's `CONFIG_MCUMGR_TRANSPORT_UART_MTU` and `..._SHELL_MTU` default: the MTU of a serial
 * endpoint when none is given. Larger frames are dropped silently (docs/spec/smp.md §4.3, §4.4).
 */
export const SERIAL_MTU_BYTES = 256;

/** The serial MTU option: as given, else Zephyr's default. */
function serialMtu(mtu: number | undefined): { mtu: number } {
  return { mtu: mtu === undefined ? SERIAL_MTU_BYTES : positiveInt(mtu, 'serial.mtu', 32) };
}

/** A started simulator. */
export interface RunningSimulator {
  udp?: { host: string; port: number };
  udp6?: { host: string; port: number };
  /** The pty slave path clients open. */
  serialPath?: string;
  /** Active fault profiles as given. */
  faults: string[];
  /** Close every endpoint. Safe to call twice. */
  stop(): Promise<void>;
}

/** Start the reference device on the requested endpoints. Throws ConfigError for bad options. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const faults = ActiveFaults.parse(options.faults ?? []);
  if (!faults.ok) throw new ConfigError(faults.error, '/faults');
  const bufSize = positiveInt(options.bufSize ?? 2048, 'bufSize', 64);
  const device = new SimDevice({
    bufSize,
    bufCount: positiveInt(options.bufCount ?? 2, 'bufCount', 1),
    errorForm: options.errorForm ?? 'v2',
    processingMs: Math.max(0, options.processingMs ?? 0),
    faults: faults.value,
    slotBytes: slotBytes(options.slotBytes),
    ...(options.fsBytes === undefined ? {} : { fsBytes: positiveInt(options.fsBytes, 'fsBytes', 0) }),
    ...(options.onFatal ? { onFatal: options.onFatal } : {}),
  });
  if (options.onLog) device.onLog(options.onLog);
  const server = new SmpServer(device);
  const closers: (() => Promise<void>)[] = [];
  const running: RunningSimulator = { faults: [...(options.faults ?? [])], stop: () => stopAll(device, server, closers) };
  onDeviceGone(device, (reason) => void running.stop().then(() => options.onGone?.(reason)));
  try {
    const udp = await openUdp(server, device, options.udp, '127.0.0.1', bufSize, closers);
    if (udp !== undefined) running.udp = udp;
    const udp6 = await openUdp(server, device, options.udp6 ?? false, '::1', bufSize, closers);
    if (udp6 !== undefined) running.udp6 = udp6;
    if (options.serial !== undefined && options.serial !== false) {
      const { baudRate, rxLineBuffers, mtu } = typeof options.serial === 'object' ? options.serial : {};
      const serial: SerialEndpoint = await openSerialEndpoint(device, server, {
        ...serialMtu(mtu),
        ...(baudRate === undefined ? {} : { baudRate }),
        ...(rxLineBuffers === undefined ? {} : { rxLineBuffers }),
        hasConsoleText: options.consoleText ?? true,
      });
      closers.push(() => serial.close());
      running.serialPath = serial.path;
    }
  } catch (cause) {
    await running.stop();
    throw cause;
  }
  return running;
}

async function openUdp(
  server: SmpServer,
  device: SimDevice,
  o: UdpEndpointOptions | false | undefined,
  defaultHost: string,
  bufSize: number,
  closers: (() => Promise<void>)[],
): Promise<{ host: string; port: number } | undefined> {
  if (o === false) return undefined;
  const endpoint: UdpEndpoint = await openUdpEndpoint(server, {
    host: o?.host ?? defaultHost,
    port: o?.port ?? SMP_UDP_PORT,
    bufSize,
    shapeDatagram: (packet) => oversizeDatagram(device, packet),
  });
  closers.push(() => endpoint.close());
  return { host: endpoint.host, port: endpoint.port };
}

function stopAll(device: SimDevice, server: SmpServer, closers: (() => Promise<void>)[]): Promise<void> {
  server.stop();
  device.dispose();
  const pending = closers.splice(0).map((close) => close().catch(() => undefined));
  return Promise.all(pending).then(() => undefined);
}

function slotBytes(value: number | undefined): number {
  const bytes = positiveInt(value ?? SLOT_SIZE_BYTES, 'slotBytes', SLOT_BYTES_RANGE.min);
  if (bytes > SLOT_BYTES_RANGE.max) throw new ConfigError(`slotBytes must be <= ${SLOT_BYTES_RANGE.max}, got ${bytes}`, '/slotBytes');
  return bytes;
}

function positiveInt(value: number, name: string, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new ConfigError(`${name} must be an integer >= ${min}, got ${value}`, `/${name}`);
  return value;
}
