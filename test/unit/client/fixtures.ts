/**
 * Test parts for the client: an echo command and a programmable SMP responder on a real
 * loopback UDP socket.
 */
import { createSocket } from 'node:dgram';
import { ok } from '../../../src/core/result.ts';
import type { Transport } from '../../../src/core/transport.ts';
import { UdpTransport } from '../../../src/transport/udp.ts';
import type { SmpCommand } from '../../../src/codec/smp/command.ts';
import { MgmtGroup, SmpOp } from '../../../src/codec/smp/constants.ts';
import { responseOpFor, responseVersionFor, type SmpHeader } from '../../../src/codec/smp/header.ts';
import { decodeSmpPacket, encodeSmpPacket } from '../../../src/codec/smp/message.ts';
import { decodeCbor, isCborMap, type CborValue } from '../../../src/codec/cbor/cbor.ts';

/** os echo (group 0, id 0), written here so client tests do not depend on the group modules. */
export const echoCommand: SmpCommand<{ d: string }, { r: string }> = {
  name: 'os.echo',
  group: MgmtGroup.OS,
  id: 0,
  op: SmpOp.WRITE,
  encodeBody: (req) => ({ d: req.d }),
  decodeResponse: (rsp) =>
    typeof rsp['r'] === 'string'
      ? ok({ value: { r: rsp['r'] }, unknownFields: Object.keys(rsp).filter((k) => k !== 'r') })
      : { ok: false, error: [{ field: 'r', expected: 'tstr', actual: String(rsp['r']) }] },
};

/** Build the response a Zephyr server sends for `req` with body `body`. */
export function responseFor(req: SmpHeader, body: unknown): Uint8Array {
  return encodeSmpPacket({ op: responseOpFor(req.op), version: responseVersionFor(req.version), group: req.group, id: req.id, seq: req.seq, body });
}

/** What the responder does with one request: send these replies after these delays. */
export type ResponderPlan = (req: SmpHeader, body: CborValue) => { bytes: Uint8Array; delayMs: number }[];

/** Echo: `{d}` → `{r: d}` at once. */
export const echoPlan: ResponderPlan = (req, body) => [
  { bytes: responseFor(req, { r: isCborMap(body) ? body['d'] : '' }), delayMs: 0 },
];

/** A real UDP SMP responder on 127.0.0.1 with a plan per request. */
export interface Responder {
  port: number;
  received: SmpHeader[];
  plan: ResponderPlan;
  /** Send arbitrary bytes to the last peer. */
  push(bytes: Uint8Array): void;
  stop(): Promise<void>;
}

export async function startResponder(plan: ResponderPlan = echoPlan): Promise<Responder> {
  const socket = createSocket('udp4');
  let peer: { address: string; port: number } | undefined;
  const timers = new Set<NodeJS.Timeout>();
  const r: Responder = {
    port: 0,
    received: [],
    plan,
    push: (bytes) => peer && socket.send(bytes, peer.port, peer.address),
    stop: () => {
      for (const t of timers) clearTimeout(t);
      return new Promise((resolve) => socket.close(() => resolve()));
    },
  };
  socket.on('message', (msg, rinfo) => {
    peer = { address: rinfo.address, port: rinfo.port };
    const p = decodeSmpPacket(new Uint8Array(msg));
    if (!p.ok) return;
    r.received.push(p.value.header);
    const body = decodeCbor(p.value.payload);
    for (const { bytes, delayMs } of r.plan(p.value.header, body.ok ? body.value : null)) {
      const t = setTimeout(() => {
        timers.delete(t);
        socket.send(bytes, rinfo.port, rinfo.address);
      }, delayMs);
      timers.add(t);
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  r.port = socket.address().port;
  return r;
}

/** The harness's UDP transport, connected to a loopback port. */
export function openUdp(port: number): Promise<Transport> {
  return UdpTransport.open({ host: '127.0.0.1', port });
}
