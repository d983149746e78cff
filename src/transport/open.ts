/** Open the transport a connection spec names. */
import type { Transport } from '../core/transport.ts';
import type { ConnectionSpec } from './connection-string.ts';
import { SerialTransport } from './serial.ts';
import { UdpTransport } from './udp.ts';

/**
 * Open a UDP or serial transport from a parsed connection string; failures are `TransportError`s
 * naming the endpoint.
 */
export function openTransport(spec: ConnectionSpec): Promise<Transport> {
  if (spec.scheme === 'udp') return UdpTransport.open({ host: spec.host, port: spec.port });
  return SerialTransport.open({ path: spec.path, baudRate: spec.baudRate, raw: spec.raw });
}
