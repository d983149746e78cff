/** Open the transport a connection spec names. */
import type { Transport } from '../core/transport.ts';
import type { ConnectionSpec } from './connection-string.ts';
import { UdpTransport } from './udp.ts';

/**
 * Open a UDP or serial transport from a parsed connection string; failures are `TransportError`s
 * naming the endpoint.
 */
export async function openTransport(spec: ConnectionSpec): Promise<Transport> {
  if (spec.scheme === 'udp') return UdpTransport.open({ host: spec.host, port: spec.port });
  // The serial port package (native bindings) loads only when a serial device is used.
  const { SerialTransport } = await import('./serial.ts');
  return SerialTransport.open({ path: spec.path, baudRate: spec.baudRate, raw: spec.raw });
}
