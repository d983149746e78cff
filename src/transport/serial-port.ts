/**
 * Open a serial port through `serialport`'s stream with a binding that notices a hung-up line.
 *
 * Why: when the other side of a tty goes away (a pseudo-terminal's master closes, a USB
 * adapter is pulled and the kernel hangs the tty up), a read on the port returns 0 bytes — end
 * of file — from then on. `@serialport/bindings-cpp` treats 0 bytes as "read again" and loops
 * forever (measured: 3 runs in 40 on a pty under load never reported the close, and the loop
 * keeps the libuv thread pool busy). Here a 0-byte read waits for the poller like EAGAIN does,
 * and a second 0-byte read right after the poller said "readable" ends the read as a
 * disconnect: the stream then closes with a disconnect error, which the transports report.
 */
import { read as fsRead } from 'node:fs';
import { promisify } from 'node:util';
import { SerialPortStream } from '@serialport/stream';
import { autoDetect, type AutoDetectTypes } from '@serialport/bindings-cpp';

const readAsync = promisify(fsRead);

type PortBinding = Awaited<ReturnType<AutoDetectTypes['open']>>;

/** The parts of a unix port binding a read needs (Linux and macOS bindings have them). */
interface UnixPort {
  fd: number | null;
  readonly isOpen: boolean;
  readonly poller: { once(event: 'readable', cb: (err: Error | null) => void): unknown };
}

function isUnixPort(port: object): port is UnixPort {
  return 'fd' in port && 'poller' in port && typeof (port as { poller?: { once?: unknown } }).poller?.once === 'function';
}

/** An error the stream treats as a lost device (it closes the port with a disconnect error). */
function disconnectError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code, disconnect: true });
}

/** An error the stream treats as a read ended by closing the port (not a lost device). */
function canceledError(): Error {
  return Object.assign(new Error('Port is not open'), { canceled: true });
}

function readable(port: UnixPort): Promise<void> {
  return new Promise((resolve, reject) => port.poller.once('readable', (err) => (err ? reject(err) : resolve())));
}

const RETRY_CODES = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);
/** Errors after which the line is gone for good. */
const GONE_CODES = new Set(['EBADF', 'ENXIO', 'EIO', 'UNKNOWN']);

/**
 * Read at least one byte from a non-blocking unix port: wait for the poller on EAGAIN and on a
 * first 0-byte read; a 0-byte read right after the poller reported the port readable is a hang-up.
 */
export async function readUnixPort(port: UnixPort, buffer: Buffer, offset: number, length: number, read = readAsync): Promise<{ buffer: Buffer; bytesRead: number }> {
  let zeroAfterReadable = false;
  for (;;) {
    if (!port.isOpen || port.fd === null) throw canceledError();
    let bytesRead: number;
    try {
      ({ bytesRead } = await read(port.fd, buffer, offset, length, null));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (!RETRY_CODES.has(code)) {
        if (GONE_CODES.has(code) || (e as NodeJS.ErrnoException).errno === -1) Object.assign(e as object, { disconnect: true });
        throw e;
      }
      if (!port.isOpen) throw canceledError();
      await readable(port);
      zeroAfterReadable = false;
      continue;
    }
    if (bytesRead > 0) return { buffer, bytesRead };
    if (zeroAfterReadable) throw disconnectError('end of file on the serial line (the device side hung up)', 'EOF');
    if (!port.isOpen) throw canceledError();
    await readable(port);
    zeroAfterReadable = true;
  }
}

/** The platform's binding, with reads that end on a hung-up line (unix ports; others unchanged). */
function hangupAwareBinding(): AutoDetectTypes {
  const base = autoDetect();
  const open = async (options: Parameters<AutoDetectTypes['open']>[0]): Promise<PortBinding> => {
    const port = (await base.open(options as never)) as PortBinding;
    if (!isUnixPort(port)) return port;
    const unix = port;
    // Own property on the instance: the binding's other methods stay as they are.
    Object.defineProperty(port, 'read', {
      value: (buffer: Buffer, offset: number, length: number) => readUnixPort(unix, buffer, offset, length),
    });
    return port;
  };
  return { ...base, open, list: () => base.list() } as AutoDetectTypes;
}

let binding: AutoDetectTypes | undefined;

/** Options of {@link openSerialPortStream}. */
export interface SerialPortStreamOptions {
  path: string;
  baudRate: number;
}

/** An open or closed serial port stream. */
export type SerialPortHandle = SerialPortStream<AutoDetectTypes>;

/** A closed `serialport` stream for `path` on the hang-up-aware binding; open it with `.open(cb)`. */
export function serialPortStream(options: SerialPortStreamOptions): SerialPortHandle {
  binding ??= hangupAwareBinding();
  return new SerialPortStream<AutoDetectTypes>({ binding, path: options.path, baudRate: options.baudRate, autoOpen: false });
}
