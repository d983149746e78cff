/**
 * Where a target's console lines come from: a process target's output file (read from where a
 * case started), or a board's console serial port (targets.json `crash.console`) read in the
 * background. Both keep the last lines for a crash report and say whether a line matched a fault
 * pattern since a mark.
 * @see docs/architecture.md "Crashes, blocked cases and recovery"
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { TransportError } from '../../errors.ts';
import { parseConnectionString } from '../../transport/connection-string.ts';
import { serialPortStream, type SerialPortHandle } from '../../transport/serial-port.ts';
import { OutputTail } from '../process/output-tail.ts';

/** A console the crash watch reads. */
export interface ConsoleSource {
  /** A position: lines after it are `since(mark)`. */
  mark(): number;
  /** Lines that arrived after `mark` (complete lines; at most the last few hundred). */
  since(mark: number): string[];
  /** The last `n` lines. */
  last(n: number): string[];
  close(): Promise<void>;
}

/** Most bytes read from an output file at once (a process printing megabytes keeps its tail). */
const MAX_READ_BYTES = 256 * 1024;

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The output file of a process target (the supervisor appends to it). */
export class OutputFileConsole implements ConsoleSource {
  constructor(readonly path: string) {}

  mark(): number {
    return sizeOf(this.path);
  }

  since(mark: number): string[] {
    const size = sizeOf(this.path);
    if (size <= mark) return [];
    const start = Math.max(mark, size - MAX_READ_BYTES);
    const buf = Buffer.alloc(size - start);
    let fd: number | undefined;
    try {
      fd = openSync(this.path, 'r');
      readSync(fd, buf, 0, buf.length, start);
    } catch {
      return [];
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    return buf.toString().split(/\r?\n/).filter((l) => l !== '');
  }

  last(n: number): string[] {
    return this.since(Math.max(0, sizeOf(this.path) - 16 * 1024)).slice(-n);
  }

  async close(): Promise<void> {}
}

/** A board's console serial port, read line by line in the background. */
export class SerialConsole implements ConsoleSource {
  readonly #tail = new OutputTail(undefined);
  readonly #lines: string[] = [];
  #count = 0;

  private constructor(readonly port: SerialPortHandle) {
    port.on('data', (d: Buffer) => this.#tail.push(d));
    this.#tail.onLine((line) => {
      this.#lines.push(line);
      this.#count++;
      if (this.#lines.length > 400) this.#lines.shift();
    });
  }

  /** Open `connection` (`serial:///dev/ttyACM1?baud=115200`); rejects with a `TransportError`. */
  static async open(connection: string): Promise<SerialConsole> {
    const spec = parseConnectionString(connection);
    if (!spec.ok || spec.value.scheme !== 'serial') throw new TransportError(`console ${connection}: expected serial:///dev/PATH?baud=N`);
    const { path, baudRate } = spec.value;
    const port = serialPortStream({ path, baudRate });
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(new TransportError(`console ${path}: ${e.message}`, { cause: e })) : resolve())));
    return new SerialConsole(port);
  }

  mark(): number {
    return this.#count;
  }

  since(mark: number): string[] {
    const n = this.#count - mark;
    return n <= 0 ? [] : this.#lines.slice(-n);
  }

  last(n: number): string[] {
    return this.#tail.last(n);
  }

  async close(): Promise<void> {
    if (!this.port.isOpen) return;
    await new Promise<void>((r) => this.port.close(() => r()));
  }
}
