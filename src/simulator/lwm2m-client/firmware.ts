/**
 * Firmware Update object (5) state machine as Zephyr's `lwm2m_obj_firmware.c` enforces it:
 * Idle → Downloading (first Package block) → Downloaded (last block) → Updating (Execute
 * Update) → Idle with Update Result 1. Push delivery through Package writes (block-wise);
 * Package URI writes are validated and start a pull through a pluggable downloader.
 * @see docs/spec/lwm2m.md §4.6 (state table, ETS 751–779, Zephyr divergences)
 */
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

  constructor(options: FirmwareOptions) {
    this.#options = options;
  }

  /**
   * One Package block (push). `offset` is the byte offset, `isLast` the last block. Writing an
   * empty payload or a single NUL byte as a whole write resets the state machine.
   */
  writePackageBlock(offset: number, data: Uint8Array, isLast: boolean): Refusal | void {
    const isReset = offset === 0 && isLast && (data.length === 0 || (data.length === 1 && data[0] === 0));
    if (isReset) return this.#set(FwState.IDLE, FwResult.INITIAL, () => this.#clear());
    if (this.state === FwState.DOWNLOADED || this.state === FwState.UPDATING) return refuse('4.05', `Package write in state ${this.state}`);
    if (offset === 0) {
      this.#clear();
      this.#set(FwState.DOWNLOADING, FwResult.INITIAL);
    } else if (this.state !== FwState.DOWNLOADING || offset !== this.receivedBytes) {
      return refuse('4.08', `Package block at offset ${offset} without the blocks before it`);
    }
    if (this.receivedBytes + data.length > this.#options.maxPackageBytes) {
      this.#set(FwState.IDLE, FwResult.NO_STORAGE, () => this.#clear());
      return refuse('4.13', `package larger than ${this.#options.maxPackageBytes} bytes`);
    }
    this.received.push(data.slice());
    this.receivedBytes += data.length;
    if (isLast) {
      this.image = joinBytes(this.received);
      this.#set(FwState.DOWNLOADED, FwResult.INITIAL);
    }
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
      if (outcome.ok) {
        this.image = outcome.bytes;
        this.#set(FwState.DOWNLOADED, FwResult.INITIAL);
      } else this.#set(FwState.IDLE, outcome.result);
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
    }, this.#options.updateMs);
  }

  /** Stop pending timers. */
  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }

  #clear(): void {
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

function joinBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
