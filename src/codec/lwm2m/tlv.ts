/**
 * OMA-TLV (Content-Format 11542, legacy 1542): decoder into an entry tree with exact offsets.
 * Every length is checked against the bytes that remain (and against its parent's value) before
 * use; malformed input gives a typed failure, never an exception.
 * @see docs/spec/lwm2m.md §3.4
 */
import { err, ok, type Result } from '../../core/result.ts';
import type { Lwm2mFormatFailure } from './types.ts';

/** Identifier kind in type-byte bits 7-6. */
export type TlvKind = 'object-instance' | 'resource-instance' | 'multiple-resource' | 'resource';

/** Kinds by the value of type-byte bits 7-6. */
export const TLV_KINDS: readonly TlvKind[] = ['object-instance', 'resource-instance', 'multiple-resource', 'resource'];

/** One decoded TLV with its wire form; containers carry `children`, others raw `value`. */
export interface TlvEntry {
  kind: TlvKind;
  id: number;
  /** Width of the identifier field (type-byte bit 5). */
  idBytes: 1 | 2;
  /** Width of the length field (0 = length held in type-byte bits 2-0). */
  lengthBytes: 0 | 1 | 2 | 3;
  /** Offset of the type byte; `valueStart` of the value; `end` after the value. */
  start: number;
  valueStart: number;
  end: number;
  value: Uint8Array;
  children?: TlvEntry[];
}

/** Children each container kind may hold. */
const ALLOWED_CHILDREN: Partial<Record<TlvKind, readonly TlvKind[]>> = {
  'object-instance': ['resource', 'multiple-resource'],
  'multiple-resource': ['resource-instance'],
};

interface Header {
  kind: TlvKind;
  id: number;
  idBytes: 1 | 2;
  lengthBytes: 0 | 1 | 2 | 3;
  length: number;
  valueStart: number;
}

function readHeader(bytes: Uint8Array, at: number, end: number): Result<Header, Lwm2mFormatFailure> {
  const type = bytes[at];
  if (type === undefined || at >= end) return err({ kind: 'incomplete', at, message: 'TLV type byte missing' });
  const idBytes = type & 0x20 ? 2 : 1;
  const lengthBytes = ((type >> 3) & 3) as 0 | 1 | 2 | 3;
  const headerEnd = at + 1 + idBytes + lengthBytes;
  if (headerEnd > end) return err({ kind: 'incomplete', at, message: `TLV header needs ${headerEnd - at} bytes, ${end - at} remain` });
  let id = 0;
  for (let i = 0; i < idBytes; i++) id = id * 256 + (bytes[at + 1 + i] ?? 0);
  let length = type & 7;
  if (lengthBytes > 0) {
    if (length !== 0) return err({ kind: 'invalid', at, message: `type byte 0x${type.toString(16)} has a length field and non-zero bits 2-0` });
    for (let i = 0; i < lengthBytes; i++) length = length * 256 + (bytes[at + 1 + idBytes + i] ?? 0);
  }
  if (length > end - headerEnd) return err({ kind: 'incomplete', at, message: `TLV value claims ${length} bytes, ${end - headerEnd} remain` });
  const kind = TLV_KINDS[type >> 6] ?? 'resource';
  return ok({ kind, id, idBytes, lengthBytes, length, valueStart: headerEnd });
}

function readSequence(bytes: Uint8Array, start: number, end: number, parent: TlvKind | undefined): Result<TlvEntry[], Lwm2mFormatFailure> {
  const entries: TlvEntry[] = [];
  let at = start;
  while (at < end) {
    const header = readHeader(bytes, at, end);
    if (!header.ok) return header;
    const h = header.value;
    const allowed = parent === undefined ? undefined : ALLOWED_CHILDREN[parent];
    if (allowed && !allowed.includes(h.kind)) return err({ kind: 'invalid', at, message: `${h.kind} TLV inside a ${parent} TLV` });
    const valueEnd = h.valueStart + h.length;
    const entry: TlvEntry = { kind: h.kind, id: h.id, idBytes: h.idBytes, lengthBytes: h.lengthBytes, start: at, valueStart: h.valueStart, end: valueEnd, value: bytes.slice(h.valueStart, valueEnd) };
    if (ALLOWED_CHILDREN[h.kind]) {
      const children = readSequence(bytes, h.valueStart, valueEnd, h.kind);
      // The container itself fits the input, so a child running past it is a length mismatch
      // that no further bytes can fix.
      if (!children.ok) return err(children.error.kind === 'incomplete' ? { ...children.error, kind: 'invalid' } : children.error);
      entry.children = children.value;
    }
    entries.push(entry);
    at = valueEnd;
  }
  return ok(entries);
}

/**
 * Decode a TLV payload into its entries (object instances and multiple resources nested).
 * Truncated input → `incomplete`; bad nesting, a child running past its container, or a type
 * byte with both a length field and inline length bits → `invalid`. Never throws.
 */
export function decodeTlv(bytes: Uint8Array): Result<TlvEntry[], Lwm2mFormatFailure> {
  return readSequence(bytes, 0, bytes.length, undefined);
}
