/**
 * The SMP UDP endpoint: one datagram is one SMP buffer, answered at the datagram's source.
 * Datagrams longer than the device's UDP MTU are truncated, as `recvfrom` does on the device.
 * @see docs/spec/smp.md §4.1, §6.5
 */
import { createSocket, type Socket } from 'node:dgram';
import { SMP_UDP_MTU_BYTES } from '../../codec/smp/constants.ts';
import type { SmpServer } from '../smp-server.ts';

/** A bound UDP endpoint. */
export interface UdpEndpoint {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Bind a UDP endpoint on `host:port` (port 0 = any free port). */
export async function openUdpEndpoint(
  server: SmpServer,
  options: { host: string; port: number; bufSize: number; shapeDatagram?: (packet: Uint8Array) => Uint8Array },
): Promise<UdpEndpoint> {
  const shape = options.shapeDatagram ?? ((packet: Uint8Array): Uint8Array => packet);
  const isV6 = options.host.includes(':');
  const socket: Socket = createSocket({ type: isV6 ? 'udp6' : 'udp4', ipv6Only: isV6 });
  const receiveBytes = Math.min(SMP_UDP_MTU_BYTES, options.bufSize);
  socket.on('message', (msg, rinfo) => {
    const datagram = new Uint8Array(msg.buffer, msg.byteOffset, Math.min(msg.length, receiveBytes));
    server.submit(datagram, (packet) => {
      if (!isClosed) socket.send(shape(packet), rinfo.port, rinfo.address, () => undefined);
    });
  });
  // A send error (client port gone) must not bring the device down.
  socket.on('error', () => undefined);
  let isClosed = false;
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port, options.host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const { port } = socket.address();
  return {
    host: options.host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        if (isClosed) return resolve();
        isClosed = true;
        socket.close(() => resolve());
      }),
  };
}
