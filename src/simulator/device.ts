/**
 * The one device state every endpoint shares: flash slots and boot flags, the upload context,
 * the RTC, settings, the file system, statistics, plus the buffer pool and the reset logic.
 * @see docs/spec/smp.md §3, §4.7
 */
import { nowNs } from '../core/clock.ts';
import type { ActiveFaults } from './faults.ts';
import { buildMcubootImage, readSlotImage, type SlotImageInfo } from './mcuboot-image.ts';

/** Default size of each image slot, as in the capture's native_sim partitions. */
export const SLOT_SIZE_BYTES = 0x69000;
/** Bounds for a configured slot size: room for the initial image, and at most 64 MiB of RAM per slot. */
export const SLOT_BYTES_RANGE = { min: 0x2000, max: 0x400_0000 } as const;
/** `CONFIG_MCUMGR_GRP_OS_RESET_MS` default: the reply goes out, the reboot follows. */
export const RESET_DELAY_MS = 250;
/** Total bytes the simulated LittleFS at `/lfs1` holds by default: the native_sim `storage` partition of Zephyr's smp_svr sample. */
export const FS_CAPACITY_BYTES = 16 * 1024;

/** How the device reports errors. `v1`: a pre-3.4 server that ignores the version bits. */
export type ErrorForm = 'v2' | 'v1';

/** Device-level configuration. */
export interface DeviceOptions {
  bufSize: number;
  bufCount: number;
  errorForm: ErrorForm;
  processingMs: number;
  faults: ActiveFaults;
  /** Size of each image slot (default SLOT_SIZE_BYTES). */
  slotBytes?: number;
  /** Bytes the file system holds (default FS_CAPACITY_BYTES); writes past it are refused. */
  fsBytes?: number;
  /**
   * Called when a fault kills the device: `exit` asks the host process to end (the `sim` command
   * exits, as a crashed native_sim does); `halt` leaves the process running, mute.
   */
  onFatal?: (how: 'exit' | 'halt') => void;
}

/** What Zephyr prints when a Cortex-M data bus error hits the mcumgr thread (`z_arm_fault`, `z_fatal_error`, `arch_system_halt`). */
export const BUS_FAULT_BANNER: readonly string[] = [
  '<err> os: ***** BUS FAULT *****',
  '<err> os:   Precise data bus error',
  '<err> os:   BFAR Address: 0x20010000',
  '<err> os: r0/a1:  0x00000000  r1/a2:  0x20010000  r2/a3:  0x00000200',
  '<err> os: >>> ZEPHYR FATAL ERROR 0: CPU exception on CPU 0',
  "<err> os: Current thread: 0x20001a40 (mcumgr smp)",
  '<err> os: Halting system',
];

/** The single global image-upload context (§3.2.3). */
export interface UploadContext {
  slot: number;
  /** Next expected offset. */
  off: number;
  len: number;
  sha: Uint8Array;
}

/**
 * MCUboot swap bookkeeping. `swap` is the secondary trailer request; `primaryImageOk` and
 * `copyDone` are the primary trailer after a test swap (unconfirmed → revert on next reset).
 * @see docs/spec/smp.md §5.8
 */
export interface BootState {
  swap: 'none' | 'test' | 'perm';
  primaryImageOk: boolean;
  copyDone: boolean;
}

/** The fs group's one open file (kept open between requests, closed by command 4 or at the end). */
export interface OpenFile {
  mode: 'upload' | 'download';
  name: string;
  /** Expected next offset. */
  off: number;
  /** Total length (upload: from the first chunk; 0 = unknown, the file then stays open). */
  len: number;
}

/** Simulated wall-clock RTC: the value set plus elapsed whole seconds (native_sim's RTC ticks in seconds). */
export interface RtcState {
  setMs: number;
  setAtNs: bigint;
}

/** Counters that move, shared by the stat group and taskstat. */
export interface DeviceCounters {
  requests: number;
  flashWriteCalls: number;
  flashEraseCalls: number;
  bytesWritten: number;
  flashReadCalls: number;
}

/** The reference device's state. */
export class SimDevice {
  readonly options: DeviceOptions;
  readonly bootNs = nowNs();
  /** Size of each image slot, reported by slot info and enforced on upload. */
  readonly slotBytes: number;
  slots: [Uint8Array, Uint8Array];
  boot: BootState = { swap: 'none', primaryImageOk: true, copyDone: false };
  upload: UploadContext | undefined;
  /** Slot contents as image state last saw them (only used by the `stale-state-hash` fault). */
  staleSlotInfo: [SlotImageInfo | undefined, SlotImageInfo | undefined] | undefined;
  rtc: RtcState | undefined;
  settings = new Map<string, Uint8Array>();
  settingsPersisted = new Map<string, Uint8Array>();
  files = new Map<string, Uint8Array>();
  openFile: OpenFile | undefined;
  counters: DeviceCounters = { requests: 0, flashWriteCalls: 0, flashEraseCalls: 0, bytesWritten: 0, flashReadCalls: 0 };
  resetCount = 0;
  #buffersInUse = 0;
  #leakedBuffers = 0;
  #isCrashed = false;
  #resetTimer: NodeJS.Timeout | undefined;
  readonly #logListeners = new Set<(line: string) => void>();

  constructor(options: DeviceOptions) {
    this.options = options;
    this.slotBytes = options.slotBytes ?? SLOT_SIZE_BYTES;
    this.slots = [new Uint8Array(this.slotBytes).fill(0xff), new Uint8Array(this.slotBytes).fill(0xff)];
    this.slots[0].set(initialImage());
  }

  get faults(): ActiveFaults {
    return this.options.faults;
  }

  /** Milliseconds since the (last) boot. */
  uptimeMs(): number {
    return Number(nowNs() - this.bootNs) / 1e6;
  }

  /** Take one SMP buffer; false when the pool is empty (the caller drops the request silently). */
  takeBuffer(): boolean {
    if (this.#isCrashed || this.#buffersInUse + this.#leakedBuffers >= this.options.bufCount) return false;
    this.#buffersInUse++;
    return true;
  }

  /** Give a buffer back. */
  releaseBuffer(): void {
    if (this.#buffersInUse > 0) this.#buffersInUse--;
  }

  /** Never give a taken buffer back (the `leak-buffer-on-malformed` fault). */
  leakBuffer(): void {
    if (this.#buffersInUse > 0) this.#buffersInUse--;
    this.#leakedBuffers++;
  }

  /** Stop answering anything (the `crash-after-malformed` fault). */
  crash(): void {
    this.#isCrashed = true;
    this.log('<err> os: >>> ZEPHYR FATAL ERROR 0: CPU exception');
  }

  /**
   * Die by a fault profile: print `banner` (may be empty: a silent hang) and stop answering;
   * `exit` also asks the host process to end.
   */
  die(banner: readonly string[], how: 'exit' | 'halt'): void {
    if (this.#isCrashed) return;
    this.#isCrashed = true;
    for (const line of banner) this.log(line);
    this.options.onFatal?.(how);
  }

  get isCrashed(): boolean {
    return this.#isCrashed;
  }

  /** Subscribe to console log lines (without timestamps); returns an unsubscribe function. */
  onLog(listener: (line: string) => void): () => void {
    this.#logListeners.add(listener);
    return () => this.#logListeners.delete(listener);
  }

  /** Emit one console log line, Zephyr style: `[00:00:01.000,000] <inf> smp_sample: …`. */
  log(text: string): void {
    const ms = Math.floor(this.uptimeMs());
    const stamp = `[${clock(ms)}.${String(ms % 1000).padStart(3, '0')},000]`;
    for (const l of this.#logListeners) l(`${stamp} ${text}`);
  }

  /** Schedule the reboot that follows a reset reply. */
  scheduleReset(): void {
    if (this.#resetTimer !== undefined) return;
    this.#resetTimer = setTimeout(() => {
      this.#resetTimer = undefined;
      this.reboot();
    }, RESET_DELAY_MS);
    this.#resetTimer.unref();
  }

  /**
   * Reboot: RAM state is lost (upload context, open file, RTC — a fresh native_sim start reports
   * "RTC not set"), unsaved settings revert to the saved ones, and MCUboot performs a pending
   * swap or reverts an unconfirmed test image. Flash and the file system survive.
   */
  reboot(): void {
    this.upload = undefined;
    this.openFile = undefined;
    this.rtc = undefined;
    this.staleSlotInfo = undefined;
    this.settings = new Map(this.settingsPersisted);
    this.#buffersInUse = 0;
    this.#leakedBuffers = 0;
    this.resetCount++;
    this.#bootloaderSwap();
    this.log('<inf> smp_sample: build time: ' + BUILD_DATE);
  }

  #bootloaderSwap(): void {
    const b = this.boot;
    if (b.swap !== 'none' && readSlotImage(this.slots[1]) !== undefined) {
      this.slots = [this.slots[1], this.slots[0]];
      this.boot = { swap: 'none', primaryImageOk: b.swap === 'perm', copyDone: b.swap === 'test' };
    } else if (!b.primaryImageOk && b.copyDone) {
      this.slots = [this.slots[1], this.slots[0]];
      this.boot = { swap: 'none', primaryImageOk: true, copyDone: false };
    } else {
      this.boot = { ...b, swap: 'none' };
    }
  }

  /** Cancel timers; the device is being shut down. */
  dispose(): void {
    if (this.#resetTimer !== undefined) clearTimeout(this.#resetTimer);
    this.#resetTimer = undefined;
    this.#logListeners.clear();
  }
}

/** Build date/time string reported by os info `b` (the capture's UDP build). */
export const BUILD_DATE = 'Sat Nov 28 08:04:56 2026';

function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600) % 100)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

/** The placeholder image in slot 0 at first power-on: version 1.0.0, SHA-256 TLV only. */
function initialImage(): Uint8Array {
  const body = new Uint8Array(4096);
  for (let i = 0; i < body.length; i++) body[i] = (i * 31 + 7) & 0xff;
  return buildMcubootImage({ major: 1, minor: 0, revision: 0, build: 0 }, body);
}
