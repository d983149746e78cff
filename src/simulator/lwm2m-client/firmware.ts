/**
 * Firmware Update object (5) state machine as Zephyr's `lwm2m_obj_firmware.c` enforces it:
 * Idle → Downloading (first Package block) → Downloaded (last block) → Updating (Execute
 * Update) → reboot → Idle with Update Result 1. Push delivery through Package writes
 * (block-wise); Package URI writes are validated and start a pull through a pluggable
 * downloader. A completed package is checked (`checkPackage`): one that fails goes back to Idle
 * with Update Result 5 (integrity), as ETS 776 expects, and never reaches Updating.
 * @see docs/spec/lwm2m.md §4.6 (state table, ETS 751–779, Zephyr divergences)
 */
import { concatBytes } from '../../core/bytes.ts';
import { refuse, type Refusal } from './object-store.ts';

/** Firmware states (resource 3). */
export const FwState = { IDLE: 0, DOWNLOADING: 1, DOWNLOADED: 2, UPDATING: 3 } as const;
/** Update Result codes (resource 5). */
export const FwResult = {
  INITIAL: 0, SUCCESS: 1, NO_STORAGE: 2, OUT_OF_MEMORY: 3, CONNECTION_LOST: 4, INTEGRITY_FAILED: 5,
  UNSUPPORTED_PACKAGE: 6, INVALID_URI: 7, UPDATE_FAILED: 8, UNSUPPORTED_PROTOCOL: 9,
} as const;

/** Fetches a package from a URI (pull delivery); resolves with the bytes or a result code. */
export type PackageDownloader = (uri: string) => Promise<{ ok: true; bytes: Uint8Array } | { ok: false; result: number }>;

/** Options of the firmware object. */
export interface FirmwareOptions {
  /** Largest package accepted (bytes); beyond it Zephyr answers 4.13 and sets Result 2. */
  maxPackageBytes: number;
  /** Time between Execute Update and the Idle/Success outcome. */
  updateMs: number;
  /** Pull downloader; without one a URI write fails with Update Result 9 (unsupported protocol). */
  downloader?: PackageDownloader;
  /** Called whenever State or Update Result changes (notifications). */
  onChange: () => void;
  /**
   * Integrity check of a completed package, given the size the server announced (Size1 of the
   * first Package block) when it announced one; without a check every package passes.
   */
  checkPackage?: (bytes: Uint8Array, announcedBytes: number | undefined) => boolean;
  /** Called when an update has run: the device restarts (registers again) with Result 1. */
  onRebooted?: () => void;
  /** Behaviour changes of the firmware fault profiles. */
  faults?: FirmwareFaults;
}

/** Fault switches of the firmware object (each one a profile in faults.ts). */
export interface FirmwareFaults {
  /** A package that fails the integrity check still reaches Downloaded. */
  acceptsCorrupt?: boolean;
  /** State never shows Downloading: it stays Idle until the last block. */
  skipsDownloading?: boolean;
  /** An empty Package write is answered but changes nothing. */
  ignoresCancel?: boolean;
  /** A push left unfinished blocks every later Package write (4.05) until a reboot. */
  sticksAfterInterrupt?: boolean;
  /** The update ends Idle with Result 1 without the device restarting. */
  noReboot?: boolean;
  /** An empty Package write (reset) is refused with 4.00 while State is already Idle. */
  refusesIdleReset?: boolean;
}

/** The state of one Firmware Update instance. */
export class FirmwareUpdate {
  state: number = FwState.IDLE;
  result: number = FwResult.INITIAL;
  packageUri = '';
  /** Bytes received by the push in progress (or the last completed one). */
  received: Uint8Array[] = [];
  receivedBytes = 0;
  /** Completed package, when Downloaded. */
  image: Uint8Array | undefined;
  /** How many updates ran to completion. */
  updates = 0;
  readonly #options: FirmwareOptions;
  #timer: NodeJS.Timeout | undefined;
  /** A push has started (block 0 taken) and its last block has not come. */
  #isPushing = false;
  /** Size1 of the push in progress (the package size the server announced). */
  #announcedBytes: number | undefined;

  constructor(options: FirmwareOptions) {
    this.#options = options;
  }

  /**
   * One Package block (push). `offset` is the byte offset, `isLast` the last block. Writing an
   * empty payload or a single NUL byte as a whole write resets the state machine.
   * `announcedBytes` is the Size1 of the first block (the whole package's size), if sent.
   */
  writePackageBlock(offset: number, data: Uint8Array, isLast: boolean, announcedBytes?: number): Refusal | void {
    const faults = this.#options.faults ?? {};
    const isReset = offset === 0 && isLast && (data.length === 0 || (data.length === 1 && data[0] === 0));
    const isStuck = faults.sticksAfterInterrupt === true && this.#isPushing && offset === 0;
    if (isStuck) return refuse('4.05', 'Package write while an earlier push is unfinished');
    if (isReset && faults.refusesIdleReset === true && this.state === FwState.IDLE) return refuse('4.00', 'empty Package while Idle');
    if (isReset) return faults.ignoresCancel === true ? undefined : this.#set(FwState.IDLE, FwResult.INITIAL, () => this.#clear());
    if (this.state === FwState.DOWNLOADED || this.state === FwState.UPDATING) return refuse('4.05', `Package write in state ${this.state}`);
    if (offset === 0) {
      this.#clear();
      this.#isPushing = true;
      this.#announcedBytes = announcedBytes;
      if (faults.skipsDownloading !== true) this.#set(FwState.DOWNLOADING, FwResult.INITIAL);
    } else if (!this.#isPushing || offset !== this.receivedBytes) {
      return refuse('4.08', `Package block at offset ${offset} without the blocks before it`);
    }
    if (this.receivedBytes + data.length > this.#options.maxPackageBytes) {
      this.#set(FwState.IDLE, FwResult.NO_STORAGE, () => this.#clear());
      return refuse('4.13', `package larger than ${this.#options.maxPackageBytes} bytes`);
    }
    this.received.push(data.slice());
    this.receivedBytes += data.length;
    if (isLast) {
      this.#isPushing = false;
      this.#downloaded(concatBytes(...this.received), this.#announcedBytes);
    }
  }

  /** A complete package: Downloaded when it passes the integrity check, else Idle with Result 5. */
  #downloaded(bytes: Uint8Array, announcedBytes: number | undefined): void {
    const isIntact = this.#options.checkPackage?.(bytes, announcedBytes) ?? true;
    if (!isIntact && this.#options.faults?.acceptsCorrupt !== true) return this.#set(FwState.IDLE, FwResult.INTEGRITY_FAILED, () => this.#clear());
    this.image = bytes;
    this.#set(FwState.DOWNLOADED, FwResult.INITIAL);
  }

  /** Package URI write: empty resets; otherwise the pull starts (coap/coaps only). */
  writePackageUri(uri: string): Refusal | void {
    if (uri === '') return this.#set(FwState.IDLE, FwResult.INITIAL, () => { this.#clear(); this.packageUri = ''; });
    if (this.state !== FwState.IDLE) return refuse('4.05', `Package URI write in state ${this.state}`);
    this.packageUri = uri;
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1]?.toLowerCase();
    if (scheme === undefined) return this.#set(FwState.IDLE, FwResult.INVALID_URI);
    if (scheme !== 'coap' && scheme !== 'coaps' || this.#options.downloader === undefined) return this.#set(FwState.IDLE, FwResult.UNSUPPORTED_PROTOCOL);
    this.#set(FwState.DOWNLOADING, FwResult.INITIAL);
    void this.#options.downloader(uri).then((outcome) => {
      if (this.state !== FwState.DOWNLOADING) return;
      if (outcome.ok) this.#downloaded(outcome.bytes, undefined);
      else this.#set(FwState.IDLE, outcome.result);
    });
  }

  /** Execute Update: only in Downloaded (else 4.05, state unchanged). */
  executeUpdate(): Refusal | void {
    if (this.state !== FwState.DOWNLOADED) return refuse('4.05', `Update executed in state ${this.state}`);
    this.#set(FwState.UPDATING, FwResult.INITIAL);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.updates += 1;
      this.#set(FwState.IDLE, FwResult.SUCCESS, () => this.#clear());
      if (this.#options.faults?.noReboot !== true) this.#options.onRebooted?.();
    }, this.#options.updateMs);
  }

  /** Stop pending timers. */
  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }

  /** The device restarted: an unfinished push is forgotten. */
  rebooted(): void {
    this.#isPushing = false;
    if (this.state === FwState.DOWNLOADING && this.packageUri === '') this.#set(FwState.IDLE, FwResult.CONNECTION_LOST, () => this.#clear());
  }

  #clear(): void {
    this.#isPushing = false;
    this.#announcedBytes = undefined;
    this.received = [];
    this.receivedBytes = 0;
    this.image = undefined;
  }

  #set(state: number, result: number, also?: () => void): void {
    also?.();
    const isChanged = state !== this.state || result !== this.result;
    this.state = state;
    this.result = result;
    if (isChanged) this.#options.onChange();
  }
}
