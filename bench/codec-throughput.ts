/**
 * Codec throughput: SMP packets and SMP serial frames encoded and decoded per second, each loop
 * bounded in time.
 */
import { encodeSmpPacket, decodeSmpPacket, classifyResponseBody } from '../src/codec/smp/message.ts';
import { SmpOp } from '../src/codec/smp/constants.ts';
import { encodeSerialFrames, SerialFrameDecoder } from '../src/codec/smp/serial-framing.ts';

/** Iterations per second of `step`, run for about `durationMs`. */
export function perSecond(durationMs: number, step: (i: number) => void): number {
  const start = process.hrtime.bigint();
  const limit = BigInt(durationMs) * 1_000_000n;
  let n = 0;
  let elapsed = 0n;
  while (elapsed < limit) {
    for (let k = 0; k < 256; k++) step(n++);
    elapsed = process.hrtime.bigint() - start;
  }
  return Math.round(n / (Number(elapsed) / 1e9));
}

/** A typical small SMP packet (echo) and a large one (a 1 KiB image upload chunk). */
function samplePackets(): { small: Uint8Array; large: Uint8Array } {
  return {
    small: encodeSmpPacket({ op: SmpOp.WRITE_RSP, group: 0, id: 0, seq: 1, body: { r: 'hello' } }),
    large: encodeSmpPacket({ op: SmpOp.WRITE, group: 1, id: 1, seq: 2, body: { off: 4096, data: new Uint8Array(1024).fill(0x5a) } }),
  };
}

/** Codec round trips per second (encode then decode counts as one). */
export function benchCodecs(durationMs: number): Record<string, number> {
  const { small, large } = samplePackets();
  const smp = (body: Record<string, unknown>) => (i: number) => {
    const bytes = encodeSmpPacket({ op: SmpOp.WRITE_RSP, group: 0, id: 0, seq: i & 0xff, body });
    const p = decodeSmpPacket(bytes);
    if (!p.ok || classifyResponseBody(p.value.payload).kind !== 'ok') throw new Error('SMP codec round trip failed');
  };
  const serial = (packet: Uint8Array) => {
    const decoder = new SerialFrameDecoder();
    return () => {
      const events = decoder.push(encodeSerialFrames(packet));
      if (events[0]?.kind !== 'packet') throw new Error('serial framing round trip failed');
    };
  };
  return {
    smpPacketSmallPerSec: perSecond(durationMs, smp({ r: 'hello' })),
    smpPacketUpload1KiBPerSec: perSecond(durationMs, smp({ off: 4096, data: large.subarray(20) })),
    serialFrameSmallPerSec: perSecond(durationMs, serial(small)),
    serialFrameUpload1KiBPerSec: perSecond(durationMs, serial(large)),
  };
}
