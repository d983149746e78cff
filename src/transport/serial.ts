/**
 * SMP over a serial port (UART, USB CDC-ACM, or a native_sim pseudo-terminal) via `serialport`.
 * Framed mode speaks the SMP console framing; raw mode sends unframed packets and splits the
 * received stream by the SMP header's length field.
 * @see docs/spec/smp.md §4.2–4.5
 */
import { access } from 'node:fs/promises';
import { TransportClosedError, TransportError } from '../errors.ts';
import { nowNs } from '../core/clock.ts';
import type { LinkEventListener, PacketListener, Transport } from '../core/transport.ts';
import { encodeSerialFrameLines, SerialFrameDecoder, type SerialFrameEvent } from '../codec/smp/serial-framing.ts';
import { formatConnectionString } from './connection-string.ts';
import { TransportListeners } from './listeners.ts';
import { RawPacketSplitter } from './raw-splitter.ts';
import { serialPortStream, type SerialPortHandle } from './serial-port.ts';

/** Options for `SerialTransport.open`. */
export interface SerialTransportOptions {
  path: string;
  baudRate?: number;
  /** Unframed SMP packets (Zephyr's raw UART transport) instead of console framing. */
  raw?: boolean;
  /** Longest line sent, marker and newline included; Zephyr accepts 127. */
  maxLineBytes?: number;
  /** How packets are cut into lines: Zephyr's encoder or the Python `smp` slicing. */
  lineStyle?: 'zephyr' | 'sliced';
  /** Pause between the lines of one packet, for devices with few receive buffers. */
  lineGapMs?: number;
  /** Longest line accepted on receive; longer lines are reported and dropped. */
  maxReceiveLineBytes?: number;
  /** Raw mode: a partial packet older than this is dropped. */
  interByteTimeoutMs?: number;
  /** Largest packet `send` accepts (the device's buffer); unset = only the framing's limit. */
  maxPacketBytes?: number;
}

/** Longest wait for queued writes when closing. */
const CLOSE_DRAIN_MS = 500;

/** Receive lines may be longer than what we send: console log lines often are. */
const DEFAULT_RECEIVE_LINE_BYTES = 1024;

/** Turn serialport's "Error: No such file or directory, cannot open X" into a short reason. */
function openFailureReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  if (/No such file|ENOENT/i.test(text)) return 'no such file';
  if (/Permission denied|EACCES/i.test(text)) return 'permission denied';
  if (/Cannot lock port|Resource temporarily unavailable|EBUSY/i.test(text)) return 'in use by another process';
  return text.replace(/^Error:\s*/, '');
}

/**
 * A serial port carrying SMP packets, framed (console framing) or raw.
 * @see docs/spec/smp.md §4.2–4.5
 */
export class SerialTransport implements Transport {
  readonly kind = 'serial';
  readonly description: string;
  readonly maxPacketBytes: number | undefined;
  private readonly port: SerialPortHandle;
  private readonly options: Required<Omit<SerialTransportOptions, 'maxPacketBytes'>>;
  private readonly listeners = new TransportListeners();
  private readonly decoder: SerialFrameDecoder;
  private readonly splitter: RawPacketSplitter;
  private writeChain: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(port: SerialPortHandle, options: SerialTransport['options'], maxPacketBytes: number | undefined) {
    this.port = port;
    this.options = options;
    this.maxPacketBytes = maxPacketBytes;
    this.description = formatConnectionString({ scheme: 'serial', path: options.path, baudRate: options.baudRate, raw: options.raw });
    this.decoder = new SerialFrameDecoder({ maxLineBytes: options.maxReceiveLineBytes });
    this.splitter = new RawPacketSplitter({ interByteTimeoutMs: options.interByteTimeoutMs });
    port.on('data', (chunk: Buffer) => this.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
    port.on('error', (error: Error) => this.listeners.emitEvent({ kind: 'port-error', message: `${this.description}: ${error.message}` }));
    port.on('close', (error: (Error & { disconnected?: boolean }) | null) => this.onPortClosed(error));
  }

  /** Open the port; a missing or busy path fails fast with a `TransportError` naming it. */
  static async open(options: SerialTransportOptions): Promise<SerialTransport> {
    const full = {
      path: options.path,
      baudRate: options.baudRate ?? 115200,
      raw: options.raw ?? false,
      maxLineBytes: options.maxLineBytes ?? 127,
      lineStyle: options.lineStyle ?? 'sliced',
      lineGapMs: options.lineGapMs ?? 0,
      maxReceiveLineBytes: options.maxReceiveLineBytes ?? DEFAULT_RECEIVE_LINE_BYTES,
      interByteTimeoutMs: options.interByteTimeoutMs ?? 250,
    } as const;
    if (!Number.isInteger(full.baudRate) || full.baudRate < 1) throw new TransportError(`serial port ${full.path}: bad baud rate ${full.baudRate}`);
    if (!Number.isInteger(full.maxLineBytes) || full.maxLineBytes < 7) {
      throw new TransportError(`serial port ${full.path}: maxLineBytes ${full.maxLineBytes} is below 7`);
    }
    if (full.path.startsWith('/')) {
      await access(full.path).catch((cause: unknown) => {
        throw new TransportError(`serial port ${full.path}: ${openFailureReason(cause)}`, { cause });
      });
    }
    const port = serialPortStream({ path: full.path, baudRate: full.baudRate });
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve()))).catch((cause: unknown) => {
      throw new TransportError(`serial port ${full.path}: ${openFailureReason(cause)}`, { cause });
    });
    return new SerialTransport(port, { ...full }, options.maxPacketBytes);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Send one SMP packet: framed as lines (written one by one) or, in raw mode, as is. */
  send(packet: Uint8Array): Promise<void> {
    if (this.maxPacketBytes !== undefined && packet.length > this.maxPacketBytes) {
      return Promise.reject(new TransportError(`${this.description}: packet of ${packet.length} bytes exceeds maxPacketBytes ${this.maxPacketBytes}`));
    }
    if (this.options.raw) return this.enqueue([packet]);
    let lines: Uint8Array[];
    try {
      lines = encodeSerialFrameLines(packet, { maxLineBytes: this.options.maxLineBytes, style: this.options.lineStyle });
    } catch (error) {
      return Promise.reject(new TransportError(`${this.description}: cannot frame packet (${String(error)})`, { cause: error }));
    }
    return this.options.lineGapMs > 0 ? this.enqueue(lines) : this.enqueue([Buffer.concat(lines)]);
  }

  /** Write the bytes exactly as given (no framing). */
  sendRaw(bytes: Uint8Array): Promise<void> {
    return this.enqueue([bytes]);
  }

  onPacket(listener: PacketListener): () => void {
    return this.listeners.onPacket(listener);
  }

  onEvent(listener: LinkEventListener): () => void {
    return this.listeners.onEvent(listener);
  }

  /** Close the port; safe to call twice, and after the device side went away. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Let queued writes finish, but a device that stopped reading must not make close hang.
    await Promise.race([this.writeChain.catch(() => undefined), new Promise((r) => setTimeout(r, CLOSE_DRAIN_MS).unref())]);
    this.listeners.clear();
    if (!this.port.isOpen) return;
    await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }

  /** Writes are serialized so the lines of concurrent packets never interleave. */
  private enqueue(parts: readonly Uint8Array[]): Promise<void> {
    if (this.closed) return Promise.reject(new TransportClosedError(`${this.description} is closed`));
    const copies = parts.map((p) => Buffer.from(p));
    const run = async (): Promise<void> => {
      for (let i = 0; i < copies.length; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, this.options.lineGapMs));
        await this.writeOne(copies[i]!);
      }
    };
    const next = this.writeChain.then(run, run);
    this.writeChain = next.catch(() => undefined);
    return next;
  }

  private writeOne(bytes: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.closed && !this.port.isOpen) return reject(new TransportClosedError(`${this.description} is closed`));
      this.port.write(bytes, (error) => {
        if (error) reject(new TransportError(`${this.description}: write failed (${error.message})`, { cause: error }));
        else resolve();
      });
    });
  }

  private receive(chunk: Uint8Array): void {
    const atNs = nowNs();
    if (this.options.raw) {
      const { packets, dropped } = this.splitter.push(chunk, Number(atNs / 1_000_000n));
      if (dropped) this.listeners.emitEvent({ kind: 'stale-partial', message: `dropped ${dropped.length} bytes of a partial packet after the inter-byte timeout`, bytes: dropped, atNs });
      for (const p of packets) this.listeners.emitPacket(p, atNs);
      return;
    }
    for (const event of this.decoder.push(chunk)) this.deliver(event, atNs);
  }

  private deliver(event: SerialFrameEvent, atNs: bigint): void {
    if (event.kind === 'packet') this.listeners.emitPacket(event.packet, atNs);
    else if (event.kind === 'console') this.listeners.emitEvent({ kind: 'console', message: event.text, bytes: event.bytes, atNs });
    else this.listeners.emitEvent(event.bytes ? { kind: event.kind, message: event.message, bytes: event.bytes, atNs } : { kind: event.kind, message: event.message, atNs });
  }

  private onPortClosed(error: (Error & { disconnected?: boolean }) | null): void {
    if (this.closed) return;
    this.listeners.emitEvent({ kind: 'disconnected', message: `${this.description}: device side closed${error ? ` (${error.message})` : ''}` });
    this.closed = true;
    this.listeners.clear();
  }
}
