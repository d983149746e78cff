/**
 * The SMP serial endpoint on a real pseudo-terminal, with the MCUmgr UART transport's receive
 * rules (lines over 127 bytes dropped, console lines ignored, framing errors silent), Zephyr's
 * own line splitting for responses, log lines between frames, optional line-rate emulation.
 * @see docs/spec/smp.md §4.2, §4.3, §6.3
 */
import { crc16Xmodem } from '../../codec/smp/crc16.ts';
import { encodeSerialFrameLines, SerialFrameDecoder } from '../../codec/smp/serial-framing.ts';
import { encodeSerialFrameLinesUnchecked } from '../../codec/smp/serial-framing-unchecked.ts';
import { concatBytes } from '../../core/bytes.ts';
import { openPtyDevice, type PtyDevice } from '../../transport/pty.ts';
import type { SimDevice } from '../device.ts';
import type { SmpServer } from '../smp-server.ts';
import { garbageBurst } from '../hostile-faults.ts';
import { LinePacer } from './line-pacer.ts';
import { UartLineBuffers } from './uart-line-buffers.ts';
import { CrlfWatch, damagedLongReply, linePieces, packetWithinMtu, replyWithoutCrc, serialFaultAction, serialReceiveLimits } from './serial-faults.ts';

/** How often a console log line is printed when console text is on. */
const CONSOLE_PERIOD_MS = 2000;

/** An open serial endpoint. */
export interface SerialEndpoint {
  /** The pty slave path a client opens. */
  readonly path: string;
  close(): Promise<void>;
}

/** Options of the serial endpoint. */
export interface SerialEndpointOptions {
  /** Line-rate emulation in both directions when set. */
  baudRate?: number;
  /** Emulate the UART transport's few receive line buffers (a burst of lines loses some). */
  rxLineBuffers?: number;
  /** Print Zephyr-style log lines between frames. */
  hasConsoleText: boolean;
  /** Largest SMP packet the transport takes (Zephyr `CONFIG_MCUMGR_TRANSPORT_UART_MTU`); larger frames are dropped. */
  mtu?: number;
}

/** Open a pty and serve SMP on it. */
export async function openSerialEndpoint(device: SimDevice, server: SmpServer, options: SerialEndpointOptions): Promise<SerialEndpoint> {
  const pty: PtyDevice = await openPtyDevice();
  // The UART transport's packet buffer is one SMP buffer: length field and CRC live in it too.
  const decoder = new SerialFrameDecoder(serialReceiveLimits(device.faults, device.options.bufSize, options.mtu));
  const crlf = new CrlfWatch();
  const rx = new LinePacer(options.baudRate);
  const tx = new LinePacer(options.baudRate);
  const write = (bytes: Uint8Array): void => void tx.push(bytes, (b) => pty.write(b));
  const reply = (packet: Uint8Array): void => {
    write(frame(device, packet));
    const garbage = garbageBurst(device);
    if (garbage !== undefined) write(garbage);
  };
  const handleLine = lineHandler(device, server, decoder, crlf, reply, options.mtu);
  const uart = options.rxLineBuffers === undefined ? undefined : new UartLineBuffers(options.rxLineBuffers, handleLine);
  const unsubscribe = pty.onData((chunk) => {
    void rx.push(chunk.slice(), (c) => {
      // Line by line, so a fault acting on one line's event takes effect before the next line.
      for (const piece of linePieces(c)) {
        if (uart === undefined) handleLine(piece);
        else uart.push(piece);
      }
    });
  });
  const stopLog = options.hasConsoleText ? device.onLog((line) => write(new TextEncoder().encode(`${line}\r\n`))) : undefined;
  const timer = options.hasConsoleText ? setInterval(() => device.log(`<inf> smp_sample: uptime ${Math.floor(device.uptimeMs())} ms`), CONSOLE_PERIOD_MS) : undefined;
  timer?.unref();
  if (options.hasConsoleText) device.log('<inf> smp_sample: build time: ready');
  let isClosed = false;
  return {
    path: pty.path,
    close: async () => {
      if (isClosed) return;
      isClosed = true;
      if (timer !== undefined) clearInterval(timer);
      stopLog?.();
      unsubscribe();
      uart?.stop();
      rx.stop();
      tx.stop();
      await pty.close();
    },
  };
}

/** What one received line (or line piece) does: framing events, faults, packets to the server. */
function lineHandler(device: SimDevice, server: SmpServer, decoder: SerialFrameDecoder, crlf: CrlfWatch, reply: (packet: Uint8Array) => void, mtu?: number): (piece: Uint8Array) => void {
  return (piece) => {
    crlf.see(piece);
    for (const event of decoder.push(piece)) {
      const action = serialFaultAction(device.faults, event, crlf);
      if (action.kind === 'submit') server.submit(packetWithinMtu(device.faults, action.packet, mtu), reply);
      else if (action.kind === 'answer') reply(action.packet);
      else if (action.kind === 'reset-decoder') decoder.reset();
    }
  };
}

/** Frame a response; the serial faults damage exactly the CRC or the length field. */
function frame(device: SimDevice, packet: Uint8Array): Uint8Array {
  const options = { style: 'zephyr' as const };
  const damaged = replyWithoutCrc(device.faults, packet) ?? damagedLongReply(device.faults, packet);
  if (damaged !== undefined) return damaged;
  if (device.faults.has('bad-crc')) {
    return concatBytes(...encodeSerialFrameLinesUnchecked(packet, { crc: crc16Xmodem(packet) ^ 0x5a5a }, options));
  }
  if (device.faults.has('serial-length-without-crc')) {
    return concatBytes(...encodeSerialFrameLinesUnchecked(packet, { lengthField: packet.length }, options));
  }
  return concatBytes(...encodeSerialFrameLines(packet, options));
}
