/**
 * The device side of a real pseudo-terminal, the way Zephyr's native_sim exposes its UART: the
 * simulator holds the master, a client opens `path` (the slave) through `serialport`.
 *
 * Why node-pty's native `open()` and not its public API: `pty.open()` from the package also
 * reads the slave end in-process, which would steal the client's bytes. The native call is a
 * plain openpty(3) that returns both fds (non-blocking) and the slave's path.
 *
 * Why the slave fd stays open (and is never read): when the last slave fd closes, reads on the
 * master fail with EIO and the device would see a hangup between client sessions. Holding it
 * keeps the terminal alive across client close/reopen.
 *
 * Why raw mode on the slave: openpty's default termios echoes and line-buffers, so bytes the
 * device writes while no client is attached would be echoed back to the device. `stty raw -echo`
 * (run once on the slave path) clears ECHO, ICANON, ISIG, CR/LF mapping and output processing.
 * libuv's `setRawMode` is only the fallback: it keeps ONLCR and records the slave in a
 * process-wide "restore at exit" slot. `serialport` itself sets fully raw termios and flushes
 * stale input whenever a client opens, so clients see the same line either way.
 */
import { execFile } from 'node:child_process';
import { close as fsClose, write as fsWrite } from 'node:fs';
import { createRequire } from 'node:module';
import { ReadStream } from 'node:tty';
import { TransportError } from '../errors.ts';

/** The device (master) side of a pseudo-terminal. */
export interface PtyDevice {
  /** Slave path a client opens, e.g. `/dev/pts/3`. */
  readonly path: string;
  /** Write bytes towards the client. Bytes the line cannot take within the stall limit are dropped, as on a UART nobody reads. */
  write(bytes: Uint8Array): Promise<void>;
  /** Subscribe to bytes the client wrote; returns an unsubscribe function. */
  onData(cb: (chunk: Uint8Array) => void): () => void;
  /** Release both ends. Safe to call twice. */
  close(): Promise<void>;
}

interface NativePty {
  open(cols: number, rows: number): { master: number; slave: number; pty: string };
}

/** How long a write may make no progress (kernel buffer full, nobody reading) before it is dropped. */
const WRITE_STALL_MS = 1000;

let nativeModule: NativePty | undefined;

/** Load node-pty's compiled addon through its own loader (it knows build/ and prebuilds/ dirs). */
function loadNative(): NativePty {
  if (nativeModule) return nativeModule;
  const require = createRequire(import.meta.url);
  try {
    const utils = require('node-pty/lib/utils.js') as { loadNativeModule(name: string): { module: NativePty } };
    nativeModule = utils.loadNativeModule('pty').module;
  } catch (cause) {
    throw new TransportError(`pseudo-terminal support unavailable (node-pty native module): ${String(cause)}`, { cause });
  }
  return nativeModule;
}

/** Write all of `bytes` to a non-blocking fd, retrying on EAGAIN until the stall limit. */
function writeAll(fd: number, bytes: Uint8Array, isClosed: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    let offset = 0;
    let stalledSince: number | undefined;
    const step = (): void => {
      if (isClosed() || offset >= bytes.length) return resolve();
      fsWrite(fd, bytes, offset, bytes.length - offset, null, (error, written) => {
        if (error) {
          const now = Date.now();
          stalledSince ??= now;
          if (error.code !== 'EAGAIN' || now - stalledSince > WRITE_STALL_MS) return resolve();
          setTimeout(step, 2).unref();
          return;
        }
        stalledSince = undefined;
        offset += written;
        step();
      });
    };
    step();
  });
}

/** Put the slave in raw mode with stty; false when stty is missing or fails. */
function sttyRaw(path: string): Promise<boolean> {
  const flag = process.platform === 'linux' ? '-F' : '-f';
  return new Promise((resolve) => {
    execFile('stty', [flag, path, 'raw', '-echo'], { timeout: 5000 }, (error) => resolve(!error));
  });
}

class NativePtyDevice implements PtyDevice {
  readonly path: string;
  private readonly masterFd: number;
  private readonly master: ReadStream;
  /** Held open and never read; a ReadStream only when stty was unavailable (for setRawMode). */
  private readonly slave: number | ReadStream;
  private readonly listeners = new Set<(chunk: Uint8Array) => void>();
  private writeChain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(fds: { master: number; slave: number; pty: string }, isSlaveRaw: boolean) {
    this.path = fds.pty;
    this.masterFd = fds.master;
    if (isSlaveRaw) {
      this.slave = fds.slave;
    } else {
      // A tty.ReadStream starts paused (manualStart) and is never resumed: held, not read.
      const slave = new ReadStream(fds.slave);
      slave.setRawMode(true);
      slave.on('error', () => undefined);
      this.slave = slave;
    }
    this.master = new ReadStream(fds.master);
    this.master.on('data', (chunk: Buffer) => {
      const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      for (const cb of [...this.listeners]) cb(bytes);
    });
    // EIO/EAGAIN on the master are link noise, not a reason to crash the simulator.
    this.master.on('error', () => undefined);
  }

  write(bytes: Uint8Array): Promise<void> {
    const copy = bytes.slice();
    this.writeChain = this.writeChain.then(() => writeAll(this.masterFd, copy, () => this.closed));
    return this.writeChain;
  }

  onData(cb: (chunk: Uint8Array) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await this.writeChain;
    this.master.destroy();
    const slave = this.slave;
    if (typeof slave === 'number') await new Promise<void>((resolve) => fsClose(slave, () => resolve()));
    else slave.destroy();
  }
}

/**
 * Open a pseudo-terminal and return its device (master) side.
 * @see docs/spec/smp.md §4.2–4.5 (serial transports)
 */
export async function openPtyDevice(): Promise<PtyDevice> {
  if (process.platform === 'win32') throw new TransportError('pseudo-terminals are not available on Windows');
  const native = loadNative();
  let fds: { master: number; slave: number; pty: string };
  try {
    fds = native.open(80, 24);
  } catch (cause) {
    throw new TransportError(`openpty failed: ${String(cause)}`, { cause });
  }
  return new NativePtyDevice(fds, await sttyRaw(fds.pty));
}

/** True when this platform can open pseudo-terminals (used by tests to skip with a reason). */
export function isPtyAvailable(): boolean {
  if (process.platform === 'win32') return false;
  try {
    loadNative();
    return true;
  } catch {
    return false;
  }
}
