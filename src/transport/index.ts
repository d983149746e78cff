/** Public surface of the transport layer. */
export { UdpTransport, type UdpTransportOptions } from './udp.ts';
export { SerialTransport, type SerialTransportOptions } from './serial.ts';
export { createMemoryTransportPair } from './memory.ts';
export { openPtyDevice, isPtyAvailable, type PtyDevice } from './pty.ts';
export { parseConnectionString, formatConnectionString, DEFAULT_BAUD_RATE, type ConnectionSpec } from './connection-string.ts';
export { openTransport } from './open.ts';
export { RawPacketSplitter, type RawSplitResult } from './raw-splitter.ts';
export { TransportListeners } from './listeners.ts';
export { UdpListener, formatPeer, type UdpListenerOptions } from './udp-listener.ts';
export * from './dtls/index.ts';
