/**
 * RFC 8949 §8 diagnostic notation of a decoded tree, marking indefinite lengths with `_` as the
 * capture files' `body_diag` does.
 * @see RFC 8949 §8, §8.1
 */
import { toHex } from '../../core/bytes.ts';
import type { CborNode } from './tree.ts';

function floatText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (Object.is(value, -0)) return '-0.0';
  return Number.isInteger(value) && Math.abs(value) < 1e21 ? `${value}.0` : String(value);
}

function simpleText(node: Extract<CborNode, { kind: 'simple' }>): string {
  return node.name === 'simple' ? `simple(${node.value})` : node.name;
}

function chunked(parts: readonly CborNode[]): string {
  return parts.length === 0 ? "(_ '')" : `(_ ${parts.map(cborDiagnostic).join(', ')})`;
}

/**
 * Diagnostic notation: `{_ "r": "hello"}`, `[1, h'00ff']`, `(_ h'01', h'02')` for an
 * indefinite string, `1(1700000000)` for a tag, `simple(99)`, `1.5`.
 * @see RFC 8949 §8
 */
export function cborDiagnostic(node: CborNode): string {
  switch (node.kind) {
    case 'uint':
    case 'nint':
      return String(node.value);
    case 'bstr':
      return node.indefinite && node.chunks ? chunked(node.chunks) : `h'${toHex(node.value)}'`;
    case 'tstr':
      return node.indefinite && node.chunks ? chunked(node.chunks) : JSON.stringify(node.value);
    case 'array':
      return `[${node.indefinite ? '_ ' : ''}${node.items.map(cborDiagnostic).join(', ')}]`;
    case 'map':
      return `{${node.indefinite ? '_ ' : ''}${node.entries.map((e) => `${cborDiagnostic(e.key)}: ${cborDiagnostic(e.value)}`).join(', ')}}`;
    case 'tag':
      return `${node.tag}(${cborDiagnostic(node.content)})`;
    case 'simple':
      return simpleText(node);
    case 'float':
      return floatText(node.value);
  }
}
