/**
 * A strict, bounded CBOR decoder that keeps what a plain decoder throws away: byte offsets,
 * definite vs indefinite lengths, duplicate and non-text map keys, invalid UTF-8. The simulator
 * uses it to judge requests with zcbor's rules; reports use it for annotated hex.
 * @see docs/spec/smp.md §1.7, §6.2
 */
import { err, ok, type DecodeFailure, type Result } from '../../core/result.ts';
import { CBOR_BREAK, CborMajor } from './constants.ts';
import { decodeCborFloat, readCborHead, type CborHead } from './head.ts';

export { cborNodeToValue, mapGet, mapKeyProblems, type CborMapKeyProblems } from './tree-access.ts';

/** Offsets every node carries: `start` of its head, `headerEnd` after the head, `end` after the item. */
export interface CborNodeSpan {
  start: number;
  headerEnd: number;
  end: number;
}

/** One key/value pair of a map, in wire order (duplicates kept). */
export interface CborMapEntry {
  key: CborNode;
  value: CborNode;
}

/** Names of the simple values RFC 8949 assigns; anything else is `simple`. */
export type CborSimpleName = 'false' | 'true' | 'null' | 'undefined' | 'simple';

/**
 * A decoded CBOR item with its exact wire form. Integers are numbers when safe, bigint beyond.
 * @see RFC 8949 §3
 */
export type CborNode =
  | (CborNodeSpan & { kind: 'uint'; value: number | bigint })
  | (CborNodeSpan & { kind: 'nint'; value: number | bigint })
  | (CborNodeSpan & { kind: 'bstr'; value: Uint8Array; indefinite: boolean; chunks?: CborNode[] })
  | (CborNodeSpan & { kind: 'tstr'; value: string; isValidUtf8: boolean; indefinite: boolean; chunks?: CborNode[] })
  | (CborNodeSpan & { kind: 'array'; items: CborNode[]; indefinite: boolean })
  | (CborNodeSpan & { kind: 'map'; entries: CborMapEntry[]; indefinite: boolean })
  | (CborNodeSpan & { kind: 'tag'; tag: number | bigint; content: CborNode })
  | (CborNodeSpan & { kind: 'simple'; value: number; name: CborSimpleName })
  | (CborNodeSpan & { kind: 'float'; value: number; bits: 16 | 32 | 64 });

/** The decoded top-level item plus how many bytes follow it. */
export type CborRoot = CborNode & { trailing: number };

/** Why decodeCborTree refused its input. */
export type CborTreeFailure = DecodeFailure & { kind: 'incomplete' | 'invalid' | 'limit' };

/** Bounds on untrusted input. */
export interface CborTreeLimits {
  /** Deepest nesting of arrays, maps and tags (default 16). */
  maxDepth?: number;
  /** Most items in total, string chunks included (default 10 000). */
  maxItems?: number;
}

// Read once: the hot switch below compares plain numbers rather than going through the module binding.
const { UINT, NINT, BSTR, TSTR, ARRAY, MAP, TAG } = CborMajor;

const SIMPLE_NAMES: Record<number, CborSimpleName> = { 20: 'false', 21: 'true', 22: 'null', 23: 'undefined' };
const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');
/** Short ASCII text is built directly: a TextDecoder call costs more than the loop for SMP's small strings. */
const ASCII_FAST_PATH_BYTES = 64;

type Step<T> = T | CborTreeFailure;

/** Only a failure carries `message` (nodes and heads never do). */
function failed<T extends object>(step: Step<T>): step is CborTreeFailure {
  return (step as { message?: unknown }).message !== undefined;
}

function decodeUtf8(bytes: Uint8Array, start: number, end: number): { text: string; isValid: boolean } {
  if (end - start <= ASCII_FAST_PATH_BYTES) {
    let text = '';
    let i = start;
    for (; i < end && bytes[i]! < 0x80; i++) text += String.fromCharCode(bytes[i]!);
    if (i === end) return { text, isValid: true };
  }
  const raw = bytes.subarray(start, end);
  try {
    return { text: utf8Strict.decode(raw), isValid: true };
  } catch {
    return { text: utf8Lenient.decode(raw), isValid: false };
  }
}

/** Recursive-descent reader over one buffer; `items` counts against the item limit. */
class TreeReader {
  items = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly maxDepth: number,
    readonly maxItems: number,
  ) {}

  head(at: number): Step<CborHead> {
    const initial = this.bytes[at];
    // One-byte heads (most of an SMP body) need no argument bytes: skip the general reader.
    if (initial !== undefined && (initial & 0x1f) < 24) {
      if (++this.items > this.maxItems) return { kind: 'limit', at, message: `more than ${this.maxItems} CBOR items` };
      return { major: initial >> 5, info: initial & 0x1f, argument: initial & 0x1f, indefinite: false, start: at, end: at + 1 };
    }
    const head = readCborHead(this.bytes, at);
    if (!head.ok) return head.error as CborTreeFailure;
    if (++this.items > this.maxItems) return { kind: 'limit', at, message: `more than ${this.maxItems} CBOR items` };
    return head.value;
  }

  item(at: number, depth: number): Step<CborNode> {
    if (this.bytes[at] === CBOR_BREAK) return { kind: 'invalid', at, message: 'break (0xff) outside an indefinite-length item' };
    const head = this.head(at);
    if (failed(head)) return head;
    // Nodes are built field by field, without object spread: Node 20's V8 spreads slowly, and
    // spreads here cost more than decoding a small reply.
    switch (head.major) {
      case UINT:
        return { kind: 'uint', value: head.argument, start: at, headerEnd: head.end, end: head.end };
      case NINT:
        return { kind: 'nint', value: negative(head.argument), start: at, headerEnd: head.end, end: head.end };
      case BSTR:
      case TSTR:
        return head.indefinite ? this.chunkedString(head) : this.string(head);
      case ARRAY:
      case MAP:
        if (depth >= this.maxDepth) return { kind: 'limit', at, message: `nesting deeper than ${this.maxDepth}` };
        return head.major === ARRAY ? this.array(head, depth + 1) : this.map(head, depth + 1);
      case TAG:
        return this.tag(head, depth);
      default:
        return this.simpleOrFloat(head);
    }
  }

  /** A definite string; its length is checked against the input before anything is copied. */
  string(head: CborHead): Step<CborNode> {
    const left = this.bytes.length - head.end;
    if (head.argument > left) return { kind: 'incomplete', at: head.start, message: `string claims ${head.argument} bytes, ${left} remain` };
    const end = head.end + Number(head.argument);
    if (head.major === BSTR) return { kind: 'bstr', value: this.bytes.slice(head.end, end), indefinite: false, start: head.start, headerEnd: head.end, end };
    const { text, isValid } = decodeUtf8(this.bytes, head.end, end);
    return { kind: 'tstr', value: text, isValidUtf8: isValid, indefinite: false, start: head.start, headerEnd: head.end, end };
  }

  /** An indefinite string: definite chunks of the same major type up to a break. */
  chunkedString(head: CborHead): Step<CborNode> {
    const chunks: CborNode[] = [];
    let at = head.end;
    while (this.bytes[at] !== CBOR_BREAK) {
      const chunkHead = this.head(at);
      if (failed(chunkHead)) return chunkHead;
      if (chunkHead.major !== head.major || chunkHead.indefinite) {
        return { kind: 'invalid', at, message: `chunk of an indefinite ${head.major === BSTR ? 'byte' : 'text'} string must be a definite string of the same type` };
      }
      const chunk = this.string(chunkHead);
      if (failed(chunk)) return chunk;
      chunks.push(chunk);
      at = chunk.end;
    }
    return joinChunks(head, chunks, at + 1);
  }

  array(head: CborHead, depth: number): Step<CborNode> {
    const items: CborNode[] = [];
    const end = this.sequence(head, depth, 1, (node) => items.push(node));
    if (typeof end !== 'number') return end;
    return { kind: 'array', items, indefinite: head.indefinite, start: head.start, headerEnd: head.end, end };
  }

  map(head: CborHead, depth: number): Step<CborNode> {
    const entries: CborMapEntry[] = [];
    let key: CborNode | undefined;
    const end = this.sequence(head, depth, 2, (node) => {
      if (key === undefined) key = node;
      else {
        entries.push({ key, value: node });
        key = undefined;
      }
    });
    if (typeof end !== 'number') return end;
    return { kind: 'map', entries, indefinite: head.indefinite, start: head.start, headerEnd: head.end, end };
  }

  /** Read `count × perEntry` items, or items up to a break (which must fall between entries). */
  sequence(head: CborHead, depth: number, perEntry: number, take: (node: CborNode) => void): number | CborTreeFailure {
    // Nothing is allocated from the claimed count: each entry consumes input, so a huge claim
    // ends at the end of the input as `incomplete` (or earlier as `invalid`).
    let at = head.end;
    for (let n = 0; head.indefinite || n < Number(head.argument) * perEntry; n++) {
      if (head.indefinite && this.bytes[at] === CBOR_BREAK) {
        if (n % perEntry !== 0) return { kind: 'invalid', at, message: 'break after a map key, before its value' };
        return at + 1;
      }
      const node = this.item(at, depth);
      if (failed(node)) return node;
      take(node);
      at = node.end;
    }
    return at;
  }

  tag(head: CborHead, depth: number): Step<CborNode> {
    if (depth >= this.maxDepth) return { kind: 'limit', at: head.start, message: `nesting deeper than ${this.maxDepth}` };
    const content = this.item(head.end, depth + 1);
    if (failed(content)) return content;
    return { kind: 'tag', tag: head.argument, content, start: head.start, headerEnd: head.end, end: content.end };
  }

  simpleOrFloat(head: CborHead): Step<CborNode> {
    const { start, end } = head;
    if (head.indefinite) return { kind: 'invalid', at: head.start, message: 'break (0xff) outside an indefinite-length item' };
    if (head.info >= 25) return { kind: 'float', value: decodeCborFloat(head), bits: head.info === 25 ? 16 : head.info === 26 ? 32 : 64, start, headerEnd: end, end };
    const value = Number(head.argument);
    if (head.info === 24 && value < 32) return { kind: 'invalid', at: head.start, message: `simple value ${value} must use the one-byte form` };
    return { kind: 'simple', value, name: SIMPLE_NAMES[value] ?? 'simple', start, headerEnd: end, end };
  }
}

function negative(argument: number | bigint): number | bigint {
  if (typeof argument === 'number' && argument < Number.MAX_SAFE_INTEGER) return -1 - argument;
  const value = -1n - BigInt(argument);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
}

/** The value of an indefinite string is its chunks joined; each text chunk must be valid UTF-8 on its own. */
function joinChunks(head: CborHead, chunks: CborNode[], end: number): CborNode {
  const { start, end: headerEnd } = head;
  if (head.major === BSTR) {
    const value = new Uint8Array(Buffer.concat(chunks.map((c) => (c.kind === 'bstr' ? c.value : new Uint8Array(0)))));
    return { kind: 'bstr', value, indefinite: true, chunks, start, headerEnd, end };
  }
  const isValid = chunks.every((c) => c.kind === 'tstr' && c.isValidUtf8);
  const value = chunks.map((c) => (c.kind === 'tstr' ? c.value : '')).join('');
  return { kind: 'tstr', value, isValidUtf8: isValid, indefinite: true, chunks, start, headerEnd, end };
}

/**
 * Decode one CBOR item from the start of `bytes` into a tree with exact offsets; the root
 * carries `trailing`, the count of bytes after it. Truncated → `incomplete`; malformed →
 * `invalid`; past maxDepth/maxItems → `limit`. Lengths are checked against the remaining input
 * before allocation. Never throws.
 * @see docs/spec/smp.md §1.7 (RFC 8949 §3, §5.3)
 */
export function decodeCborTree(bytes: Uint8Array, limits: CborTreeLimits = {}): Result<CborRoot, CborTreeFailure> {
  // Recursion depth follows maxDepth, so cap it well below the JS stack limit.
  const maxDepth = Math.min(Math.max(0, limits.maxDepth ?? 16), 1000);
  const reader = new TreeReader(bytes, maxDepth, Math.max(0, limits.maxItems ?? 10_000));
  const node = reader.item(0, 0);
  if (failed(node)) return err(node);
  // The node is this call's own: mark it as the root in place rather than copying it.
  const root = node as CborRoot;
  root.trailing = bytes.length - node.end;
  return ok(root);
}
