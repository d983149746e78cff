/**
 * Reader of Zephyr's size reports (`rom.json`, `ram.json`, written by `west build -t rom_report`
 * / `ram_report` through `scripts/footprint/size_report`): `{ symbols: TREE, total_size }`, TREE
 * nodes `{ name, identifier, size, children? }` (leaves add `address`, `section`).
 *
 * The tree's top level says how paths read: a `ZEPHYR_BASE` node (identifier = the absolute base,
 * children relative to it), `OUTPUT_DIR` and `WORKSPACE` nodes the same way, a `/` node whose
 * children carry absolute paths, `(no paths)` (identifier `:`) for symbols without a source file,
 * and `(hidden)` for bytes no symbol accounts for. When every source file lies under ZEPHYR_BASE
 * the tool drops that level and hangs the relative paths straight off the root.
 *
 * Malformed input is an error value with a JSON pointer; sizes that do not add up are findings
 * (the report stays usable: the difference is kept as an `(unaccounted)` pseudo-symbol).
 */
import { posix } from 'node:path';
import { err, ok, type Result } from '../../core/result.ts';
import type { FootprintFinding, FootprintReport, FootprintSymbol, MemoryKind, SizeReportError, SymbolOrigin } from './types.ts';

/** Deepest tree the reader follows; real reports are under 20 levels. */
export const MAX_REPORT_DEPTH = 128;

interface ReportNode {
  name: string;
  identifier: string;
  size: number;
  children?: unknown[];
  address?: number;
  section?: string;
}

interface Walk {
  symbols: FootprintSymbol[];
  findings: FootprintFinding[];
  zephyrBase?: string;
}

type Resolve = (identifier: string) => string;

function shapeError(pointer: string, message: string): SizeReportError {
  return { kind: 'shape', pointer, message };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Check one node's own fields (not its children). */
function checkNode(value: unknown, pointer: string): Result<ReportNode, SizeReportError> {
  if (!isRecord(value)) return err(shapeError(pointer, 'expected a tree node object'));
  const { name, identifier, size, children, address, section } = value;
  if (typeof name !== 'string') return err(shapeError(`${pointer}/name`, 'missing or not a string'));
  if (typeof identifier !== 'string') return err(shapeError(`${pointer}/identifier`, 'missing or not a string'));
  if (typeof size !== 'number') return err(shapeError(`${pointer}/size`, 'missing or not a number'));
  if (!Number.isSafeInteger(size) || size < 0) return err(shapeError(`${pointer}/size`, `expected a byte count (integer >= 0), got ${size}`));
  if (children !== undefined && !Array.isArray(children)) return err(shapeError(`${pointer}/children`, 'expected an array'));
  if (address !== undefined && (typeof address !== 'number' || !Number.isSafeInteger(address) || address < 0)) {
    return err(shapeError(`${pointer}/address`, 'expected an integer >= 0'));
  }
  if (section !== undefined && typeof section !== 'string') return err(shapeError(`${pointer}/section`, 'expected a string'));
  return ok({ name, identifier, size, ...(children ? { children } : {}), ...(address !== undefined ? { address } : {}), ...(section !== undefined ? { section } : {}) });
}

/** Walk a subtree whose nodes are path directories/files and whose leaves are symbols. */
function walkTree(
  node: ReportNode, pointer: string, depth: number, origin: SymbolOrigin, resolve: Resolve, parentPath: string, out: Walk,
): SizeReportError | undefined {
  if (depth > MAX_REPORT_DEPTH) return { kind: 'limit', pointer, message: `tree deeper than ${MAX_REPORT_DEPTH} levels` };
  if (!node.children) {
    out.symbols.push({
      name: node.name, sizeBytes: node.size, origin, path: parentPath,
      ...(node.section !== undefined ? { section: node.section } : {}), ...(node.address !== undefined ? { address: node.address } : {}),
    });
    return undefined;
  }
  const path = origin === 'no-paths' ? '' : resolve(node.identifier);
  let sum = 0;
  for (const [i, child] of node.children.entries()) {
    const childPointer = `${pointer}/children/${i}`;
    const checked = checkNode(child, childPointer);
    if (!checked.ok) return checked.error;
    sum += checked.value.size;
    const failure = walkTree(checked.value, childPointer, depth + 1, origin, resolve, path, out);
    if (failure) return failure;
  }
  noteChildrenSum(node, pointer, sum, origin, path, out);
  return undefined;
}

function noteChildrenSum(node: ReportNode, pointer: string, sum: number, origin: SymbolOrigin, path: string, out: Walk): void {
  if (sum === node.size) return;
  if (sum < node.size) {
    out.findings.push({ kind: 'children-sum', pointer, message: `'${node.identifier}' is ${node.size} bytes but its children add up to ${sum}; ${node.size - sum} bytes kept as (unaccounted)` });
    // Kept at the node itself: a directory path ends in `/` so directory rules match it.
    const at = path && !/\.[A-Za-z0-9]+$/.test(path) && !path.endsWith('/') ? `${path}/` : path;
    out.symbols.push({ name: '(unaccounted)', sizeBytes: node.size - sum, origin, path: at });
  } else {
    out.findings.push({ kind: 'children-exceed', pointer, message: `'${node.identifier}' is ${node.size} bytes but its children add up to ${sum}` });
  }
}

/** Path of an absolute file relative to ZEPHYR_BASE when that is known. */
function relativeToBase(absolute: string, zephyrBase: string | undefined): string {
  if (!zephyrBase || !posix.isAbsolute(absolute)) return absolute;
  return posix.relative(zephyrBase, absolute) || '.';
}

/** How paths under one top-level node read. */
function topLevelReading(top: ReportNode, zephyrBase: string | undefined): { origin: SymbolOrigin; resolve: Resolve } {
  const under = (base: string): Resolve => (id) => relativeToBase(posix.isAbsolute(id) ? id : posix.join(base, id), zephyrBase);
  if (top.identifier === ':' || top.name === '(no paths)') return { origin: 'no-paths', resolve: () => '' };
  if (top.name === 'ZEPHYR_BASE') return { origin: 'zephyr', resolve: (id) => (posix.isAbsolute(id) ? relativeToBase(id, zephyrBase) : id) };
  if (top.name === 'OUTPUT_DIR') return { origin: 'output', resolve: under(top.identifier) };
  if (top.name === 'WORKSPACE') return { origin: 'workspace', resolve: under(top.identifier) };
  if (posix.isAbsolute(top.identifier)) return { origin: 'external', resolve: (id) => relativeToBase(id, zephyrBase) };
  // Flat layout: everything was under ZEPHYR_BASE, so paths are relative to it.
  return { origin: 'zephyr', resolve: (id) => id };
}

function walkRoot(root: ReportNode, out: Walk): SizeReportError | undefined {
  const tops: ReportNode[] = [];
  for (const [i, child] of (root.children ?? []).entries()) {
    const checked = checkNode(child, `/symbols/children/${i}`);
    if (!checked.ok) return checked.error;
    tops.push(checked.value);
  }
  out.zephyrBase = tops.find((t) => t.name === 'ZEPHYR_BASE')?.identifier;
  let sum = 0;
  for (const [i, top] of tops.entries()) {
    const pointer = `/symbols/children/${i}`;
    sum += top.size;
    if (top.identifier === '(hidden)' || (top.name === '(hidden)' && !top.children)) {
      out.symbols.push({ name: '(hidden)', sizeBytes: top.size, origin: 'hidden', path: '' });
      continue;
    }
    const { origin, resolve } = topLevelReading(top, out.zephyrBase);
    const failure = top.children
      ? walkTree(top, pointer, 2, origin, resolve, '', out)
      // A file-less leaf straight under the root: a symbol with no path.
      : walkTree(top, pointer, 2, origin === 'zephyr' ? 'no-paths' : origin, resolve, '', out);
    if (failure) return failure;
  }
  noteChildrenSum(root, '/symbols', sum, 'hidden', '', out);
  return undefined;
}

/** Parse `rom.json` / `ram.json` text (a string) or an already-parsed document into a footprint report. */
export function parseSizeReport(input: unknown, memory: MemoryKind, source?: string): Result<FootprintReport, SizeReportError> {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch (e) {
      const message = (e as Error).message;
      // V8 names the position, except for input that ends early ("Unexpected end of JSON input").
      const at = /position (\d+)/.exec(message)?.[1] ?? (/end of JSON input/.test(message) ? String(input.length) : undefined);
      return err({ kind: 'json', pointer: '', ...(at !== undefined ? { offset: Number(at) } : {}), message: `not JSON: ${message}` });
    }
  }
  if (!isRecord(doc)) return err(shapeError('', 'expected an object {"symbols": TREE, "total_size": N}'));
  const root = checkNode(doc.symbols, '/symbols');
  if (!root.ok) return root;
  const total = doc.total_size;
  if (total !== undefined && (typeof total !== 'number' || !Number.isSafeInteger(total) || total < 0)) {
    return err(shapeError('/total_size', 'expected a byte count (integer >= 0)'));
  }
  const out: Walk = { symbols: [], findings: [] };
  const failure = walkRoot(root.value, out);
  if (failure) return err(failure);
  if (total !== undefined && total !== root.value.size) {
    out.findings.push({ kind: 'total-mismatch', pointer: '/total_size', message: `total_size ${total} differs from the root node's size ${root.value.size}` });
  }
  return ok({
    memory, totalBytes: total ?? root.value.size, symbols: out.symbols, findings: out.findings,
    ...(out.zephyrBase !== undefined ? { zephyrBase: out.zephyrBase } : {}), ...(source !== undefined ? { source } : {}),
  });
}

/** One line for a size report error: `pointer: message` or `offset N: message`. */
export function formatSizeReportError(error: SizeReportError): string {
  if (error.offset !== undefined) return `at offset ${error.offset}: ${error.message}`;
  return `at ${error.pointer || '/'}: ${error.message}`;
}
