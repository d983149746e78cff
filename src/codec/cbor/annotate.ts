/**
 * Annotated hex of CBOR bytes for traces and reports: one line per head, the bytes on the left,
 * what they mean on the right, indented by nesting. Malformed or truncated input is annotated
 * up to the problem, which gets its own line. Never throws.
 * @see RFC 8949 §3
 */
import { toSpacedHex } from '../../core/bytes.ts';
import { CBOR_BREAK, CborMajor, decodeCborFloat, readCborHead, type CborHead } from './head.ts';

/** String contents up to this many bytes share the head's line; longer ones get their own lines. */
const INLINE_BYTES = 16;
/** Bytes per continuation line of a long string, and shown after an error. */
const ROW_BYTES = 16;
/** Annotation lines emitted at most, so a hostile body cannot flood a report. */
const MAX_LINES = 2000;

interface Row {
  hex: string;
  note: string;
}

/** An open container: how many more items it takes (`undefined` = until break). */
interface Open {
  left: number | undefined;
  isString: boolean;
}

function quoted(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('utf8');
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

function describe(head: CborHead, bytes: Uint8Array): string {
  const n = head.indefinite ? '_' : String(head.argument);
  switch (head.major) {
    case CborMajor.UINT:
      return `unsigned(${head.argument})`;
    case CborMajor.NINT:
      return `negative(${-1n - BigInt(head.argument)})`;
    case CborMajor.BSTR:
      return `bytes(${n})`;
    case CborMajor.TSTR:
      return head.indefinite ? 'text(_)' : `text(${n}) ${quoted(bytes.subarray(head.end, head.end + Number(head.argument)))}`;
    case CborMajor.ARRAY:
      return `array(${n})`;
    case CborMajor.MAP:
      return `map(${n})`;
    case CborMajor.TAG:
      return `tag(${head.argument})`;
    default:
      if (head.indefinite) return 'break';
      if (head.info >= 25) return `float${head.info === 25 ? 16 : head.info === 26 ? 32 : 64}(${decodeCborFloat(head)})`;
      return ({ 20: 'false', 21: 'true', 22: 'null', 23: 'undefined' } as Record<number, string>)[Number(head.argument)] ?? `simple(${head.argument})`;
  }
}

/** Rows for one head (plus the content of a definite string); returns the offset after it. */
function headRows(bytes: Uint8Array, head: CborHead, indent: string, rows: Row[]): number | string {
  const isString = (head.major === CborMajor.BSTR || head.major === CborMajor.TSTR) && !head.indefinite;
  const length = isString ? Number(head.argument) : 0;
  if (isString && head.argument > bytes.length - head.end) return `string claims ${head.argument} bytes, ${bytes.length - head.end} remain`;
  const note = `${indent}${describe(head, bytes)}`;
  if (length <= INLINE_BYTES) {
    rows.push({ hex: toSpacedHex(bytes.subarray(head.start, head.end + length)), note });
    return head.end + length;
  }
  rows.push({ hex: toSpacedHex(bytes.subarray(head.start, head.end)), note });
  for (let at = head.end; at < head.end + length && rows.length < MAX_LINES; at += ROW_BYTES) {
    rows.push({ hex: `  ${toSpacedHex(bytes.subarray(at, Math.min(at + ROW_BYTES, head.end + length)))}`, note: '' });
  }
  return head.end + length;
}

/** Count one finished item against the open containers, closing the ones it completes. */
function finishItem(stack: Open[]): void {
  const top = stack[stack.length - 1];
  if (top?.left === undefined) return;
  top.left--;
  if (top.left === 0) {
    stack.pop();
    finishItem(stack);
  }
}

function openItem(head: CborHead, stack: Open[]): void {
  const isContainer = head.major === CborMajor.ARRAY || head.major === CborMajor.MAP;
  const isString = (head.major === CborMajor.BSTR || head.major === CborMajor.TSTR) && head.indefinite;
  if (head.major === CborMajor.TAG) stack.push({ left: 1, isString: false });
  else if (isString) stack.push({ left: undefined, isString: true });
  else if (isContainer && head.indefinite) stack.push({ left: undefined, isString: false });
  else if (isContainer && head.argument !== 0) stack.push({ left: Number(head.argument) * (head.major === CborMajor.MAP ? 2 : 1), isString: false });
  else finishItem(stack);
}

function layout(rows: readonly Row[]): string {
  const width = Math.min(Math.max(8, ...rows.map((r) => r.hex.length)), ROW_BYTES * 3 + 1);
  return rows.map((r) => (r.note ? `${r.hex.padEnd(width)} # ${r.note}` : r.hex)).join('\n');
}

/**
 * Annotated hex of every item in `bytes`, e.g. `a1        # map(1)` then
 * `61 64     #   text(1) "d"`. Items after the first are marked as trailing.
 * @see RFC 8949 §3
 */
export function annotateCbor(bytes: Uint8Array): string {
  const rows: Row[] = [];
  const stack: Open[] = [];
  let at = 0;
  while (at < bytes.length && rows.length < MAX_LINES) {
    if (at > 0 && stack.length === 0 && rows.length > 0 && !rows.some((r) => r.note.startsWith('trailing'))) {
      rows.push({ hex: '', note: `trailing ${bytes.length - at} bytes after the first item` });
    }
    const indent = '  '.repeat(stack.length);
    if (bytes[at] === CBOR_BREAK && stack[stack.length - 1]?.left === undefined && stack.length > 0) {
      rows.push({ hex: 'ff', note: `${'  '.repeat(stack.length - 1)}break` });
      stack.pop();
      finishItem(stack);
      at++;
      continue;
    }
    const head = readCborHead(bytes, at);
    const next = head.ok ? headRows(bytes, head.value, indent, rows) : `${head.error.kind}: ${head.error.message}`;
    if (typeof next === 'string' || !head.ok) {
      rows.push({ hex: toSpacedHex(bytes.subarray(at, at + ROW_BYTES)) + (bytes.length - at > ROW_BYTES ? ' …' : ''), note: `error: ${next}` });
      break;
    }
    openItem(head.value, stack);
    at = next;
  }
  if (at >= bytes.length && stack.length > 0) rows.push({ hex: '', note: 'error: input ended inside an open item' });
  return layout(rows);
}
