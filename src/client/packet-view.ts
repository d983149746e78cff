/**
 * How the client sees one received packet, and trace entries whose hex and decoded form are
 * computed only when someone reads them (upload loops and benchmarks never pay for them).
 * @see docs/spec/smp.md §1.1, §1.5, §2.2
 */
import { PacketTraceEntry, type PacketDescriber, type TraceDirection } from '../core/trace.ts';
import { decodeCbor } from '../codec/cbor/cbor.ts';
import { annotateCbor } from '../codec/cbor/annotate.ts';
import { cborDiagnostic } from '../codec/cbor/diagnostic.ts';
import { cborWireFindings, describeCborWireFinding } from '../codec/cbor/findings.ts';
import { decodeCborTree } from '../codec/cbor/tree.ts';
import { SMP_HEADER_BYTES, groupName } from '../codec/smp/constants.ts';
import { decodeSmpHeader, type SmpHeader } from '../codec/smp/header.ts';
import { classifyResponseBody, type SmpResponseBody } from '../codec/smp/message.ts';

/** A packet as it arrived, with its header and classified body when they could be read. */
export interface ReceivedPacket {
  /** Exact bytes delivered by the transport. */
  bytes: Uint8Array;
  /** Undefined when fewer than 8 bytes arrived. */
  header: SmpHeader | undefined;
  /** Undefined when there is no header; `malformed` when the length field or CBOR is wrong. */
  body: SmpResponseBody | undefined;
  /** `process.hrtime.bigint()` at reception. */
  atNs: bigint;
}

/** Split and classify a received packet. Never throws; the length field is checked, not trusted. */
export function viewReceivedPacket(bytes: Uint8Array, atNs: bigint): ReceivedPacket {
  const h = decodeSmpHeader(bytes);
  if (!h.ok) return { bytes, header: undefined, body: undefined, atNs };
  const header = h.value;
  const present = bytes.length - SMP_HEADER_BYTES;
  if (present !== header.length) {
    return {
      bytes,
      header,
      body: { kind: 'malformed', reason: `length field says ${header.length} payload bytes, ${present} present`, at: 2 },
      atNs,
    };
  }
  return { bytes, header, body: classifyResponseBody(bytes.subarray(SMP_HEADER_BYTES)), atNs };
}

/**
 * Decoded form of a packet for traces: header, body as data, CBOR diagnostic notation (shows
 * indefinite lengths: `{_ "r": "hi"}`), annotated hex of the body, problems found, and the
 * body's wire findings (duplicate keys, indefinite lengths, non-preferred heads; packet offsets).
 */
export function describePacket(bytes: Uint8Array): unknown {
  const h = decodeSmpHeader(bytes);
  if (!h.ok) return { error: h.error.message };
  const header = { ...h.value, groupName: groupName(h.value.group) };
  const payload = bytes.subarray(SMP_HEADER_BYTES);
  const problems: string[] = [];
  if (payload.length !== h.value.length) problems.push(`length field ${h.value.length}, payload ${payload.length} bytes`);
  if (payload.length === 0) return { header, body: undefined, problems };
  // Decode what the length field claims when it fits, else everything present: the trace shows both facts.
  const claimed = h.value.length > 0 && h.value.length <= payload.length ? payload.subarray(0, h.value.length) : payload;
  const tree = decodeCborTree(claimed);
  const diag = tree.ok ? cborDiagnostic(tree.value) : undefined;
  const findings = tree.ok ? cborWireFindings(tree.value, claimed).map((f) => describeCborWireFinding(f, SMP_HEADER_BYTES)) : [];
  const annotated = annotateCbor(claimed);
  const body = decodeCbor(claimed);
  if (!body.ok) return { header, body: undefined, diag, annotated, problems: [...problems, `CBOR ${body.error.kind}: ${body.error.message}`], findings };
  return { header, body: body.value, diag, annotated, problems, findings };
}

/**
 * A trace entry whose `hex` and `decoded` are computed on first read; SMP packets are described
 * by `describePacket` unless another describer is given.
 */
export class LazyTraceEntry extends PacketTraceEntry {
  constructor(direction: TraceDirection, atNs: bigint, bytes: Uint8Array, note?: string, decode: PacketDescriber = describePacket) {
    super(direction, atNs, bytes, note, decode);
  }
}
