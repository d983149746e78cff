/**
 * A tiny scripted SMP device on the device side of a memory transport pair, for kit tests:
 * echo answers `r` = `d`, MCUmgr params answer 2048/2, everything else `rc 8`. Each behaviour
 * can be broken on purpose (wrong echo, silence, wrong seq) to drive every outcome class.
 */
import { decodeCbor, isCborMap } from '../../../../src/codec/cbor/cbor.ts';
import { encodeSmpHeader, decodeSmpHeader, responseOpFor } from '../../../../src/codec/smp/header.ts';
import { encodeCbor } from '../../../../src/codec/cbor/cbor.ts';
import { concatBytes } from '../../../../src/core/bytes.ts';
import type { Transport } from '../../../../src/core/transport.ts';
import { createMemoryTransportPair } from '../../../../src/transport/memory.ts';

export type EchoFault = 'none' | 'wrong-r' | 'silent' | 'wrong-seq' | 'rc3';

export interface ScriptedDevice {
  /** Client side: give it to an SmpClient or a Session. */
  transport: Transport;
  /** Change the echo behaviour (applies to later requests). */
  echoFault: EchoFault;
  /** Requests seen so far. */
  requests: number;
  /** When false, the device answers nothing at all. */
  isUp: boolean;
  /** Every reply carries the request's seq + 1 (a defective device that still talks). */
  isSeqOff: boolean;
  close(): Promise<void>;
}

function reply(req: Uint8Array, body: unknown, seqDelta = 0): Uint8Array {
  const h = decodeSmpHeader(req);
  if (!h.ok) throw new Error('test device got a packet without a header');
  const payload = encodeCbor(body);
  const header = encodeSmpHeader({
    op: responseOpFor(h.value.op),
    version: Math.min(h.value.version, 1),
    length: payload.length,
    group: h.value.group,
    seq: (h.value.seq + seqDelta) & 0xff,
    id: h.value.id,
  });
  return concatBytes(header, payload);
}

function answer(dev: ScriptedDevice, req: Uint8Array): Uint8Array | undefined {
  if (dev.isSeqOff) return reply(req, { rc: 8 }, 1);
  const h = decodeSmpHeader(req);
  if (!h.ok) return undefined;
  const { group, id } = h.value;
  if (group === 0 && id === 0) {
    const body = decodeCbor(req.subarray(8));
    const d = body.ok && isCborMap(body.value) ? body.value['d'] : undefined;
    if (typeof d !== 'string') return reply(req, { rc: 3 });
    switch (dev.echoFault) {
      case 'silent':
        return undefined;
      case 'wrong-r':
        return reply(req, { r: `${d}!` });
      case 'wrong-seq':
        return reply(req, { r: d }, 1);
      case 'rc3':
        return reply(req, { rc: 3 });
      default:
        return reply(req, { r: d });
    }
  }
  if (group === 0 && id === 6) return reply(req, { buf_size: 2048, buf_count: 2 });
  return reply(req, { rc: 8 });
}

/** Start a scripted device; its client-side transport is `transport`. */
export function startScriptedDevice(): ScriptedDevice {
  const [client, device] = createMemoryTransportPair();
  const dev: ScriptedDevice = {
    transport: client,
    echoFault: 'none',
    requests: 0,
    isUp: true,
    isSeqOff: false,
    close: async () => {
      await client.close();
      await device.close();
    },
  };
  device.onPacket((packet) => {
    dev.requests++;
    if (!dev.isUp) return;
    const out = answer(dev, packet);
    if (out) void device.send(out);
  });
  return dev;
}
