/** A loopback UDP relay between one client and a server that can drop or duplicate datagrams. */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

export type ProxyVerdict = 'pass' | 'drop' | 'duplicate';
/** Decides the fate of the n-th datagram (counted from 0 per direction). */
export type ProxyFilter = (direction: 'to-server' | 'to-client', datagram: Uint8Array, n: number) => ProxyVerdict;

/** A relay: clients talk to `port`; the server sees every client as the relay's one upstream socket. */
export interface UdpProxy {
  port: number;
  counts: { 'to-server': number; 'to-client': number };
  /** Inject a datagram to the server from the relay's upstream address (as if the client sent it). */
  sendToServer(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

function bind(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
}

export async function startUdpProxy(serverPort: number, filter: ProxyFilter = () => 'pass'): Promise<UdpProxy> {
  const front = createSocket('udp4');
  const upstream = createSocket('udp4');
  await Promise.all([bind(front), bind(upstream)]);
  let client: RemoteInfo | undefined;
  const counts = { 'to-server': 0, 'to-client': 0 };
  const relay = (direction: 'to-server' | 'to-client', msg: Buffer, send: (b: Buffer) => void): void => {
    const verdict = filter(direction, new Uint8Array(msg), counts[direction]++);
    if (verdict === 'drop') return;
    send(msg);
    if (verdict === 'duplicate') send(msg);
  };
  front.on('message', (msg, rinfo) => {
    client = rinfo;
    relay('to-server', msg, (b) => upstream.send(b, serverPort, '127.0.0.1'));
  });
  upstream.on('message', (msg) => {
    const to = client;
    if (to) relay('to-client', msg, (b) => front.send(b, to.port, to.address));
  });
  return {
    port: front.address().port,
    counts,
    sendToServer: (bytes) => new Promise((r) => upstream.send(bytes, serverPort, '127.0.0.1', () => r())),
    close: () => Promise.all([new Promise<void>((r) => front.close(() => r())), new Promise<void>((r) => upstream.close(() => r()))]).then(() => undefined),
  };
}
