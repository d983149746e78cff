/**
 * Human and JSON renderings of an image verification report (used by `image inspect`).
 * @see spec/smp.md §5
 */
import { createHash } from 'node:crypto';
import { toHex } from '../../core/bytes.ts';
import { ImageFlag } from './constants.ts';
import { readImgMgmtInfo } from './img-mgmt-info.ts';
import type { ImageVerifyReport } from './verify.ts';
import type { ImageDefect, ImageHeader, ImageTlvEntry, ImageVersion } from './types.ts';

/** `1.2.3+4`, imgtool's version notation. */
export function formatImageVersion(v: ImageVersion): string {
  return `${v.major}.${v.minor}.${v.revision}+${v.build}`;
}

/** Names of the set header flags, e.g. `RAM_LOAD|NON_BOOTABLE`, or `none`. @see spec/smp.md §5.3 */
export function formatImageFlags(flags: number): string {
  const names = Object.entries(ImageFlag).filter(([, bit]) => (flags & bit) !== 0).map(([name]) => name);
  const known = Object.values(ImageFlag).reduce((a, b) => a | b, 0);
  const unknown = flags & ~known;
  if (unknown) names.push(`0x${(unknown >>> 0).toString(16)}`);
  return names.length > 0 ? names.join('|') : 'none';
}

const hex32 = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

function headerLines(h: ImageHeader): string[] {
  return [
    `  magic            ${hex32(h.magic)}`,
    `  load address     ${hex32(h.loadAddr)}`,
    `  header size      ${h.hdrSize}`,
    `  protected TLVs   ${h.protectTlvSize} bytes`,
    `  body size        ${h.imgSize}`,
    `  flags            ${hex32(h.flags)} (${formatImageFlags(h.flags)})`,
    `  version          ${formatImageVersion(h.version)}`,
  ];
}

function shortHex(value: Uint8Array): string {
  const hex = toHex(value);
  return hex.length > 64 ? `${hex.slice(0, 64)}… (${value.length} bytes)` : hex;
}

function tlvLine(e: ImageTlvEntry): string {
  const area = e.isProtected ? 'prot  ' : 'unprot';
  return `  @${String(e.at).padEnd(8)} ${area} 0x${e.type.toString(16).padStart(4, '0')} ${e.name.padEnd(14)} len ${String(e.len).padEnd(5)} ${shortHex(e.value)}`;
}

function defectLine(d: ImageDefect): string {
  return `  @${String(d.at).padEnd(8)} ${d.kind.padEnd(24)} ${d.message}`;
}

function checkLines(r: ImageVerifyReport): string[] {
  const lines = [`  image hash       ${r.hash.status}${r.hash.alg ? ` (${r.hash.alg})` : ''}${r.hash.computed ? ` computed ${toHex(r.hash.computed)}` : ''}`];
  const kh = r.key.hashInImage ? ` in image ${toHex(r.key.hashInImage)}` : r.key.pubkeyInImage ? ' (PUBKEY TLV)' : '';
  lines.push(`  key              ${r.key.status}${kh}${r.key.given ? `; given ${r.key.given.kind} key hash ${toHex(r.key.given.hash)}` : ''}`);
  lines.push(`  signature        ${r.signature.status}${r.signature.kind ? ` (${r.signature.kind}${r.signature.isPure ? ', pure' : ''})` : ''}: ${r.signature.reason}`);
  return lines;
}

/** The two SMP values for this file: image-state `"hash"` (as img_mgmt reads it) and upload `"sha"`. @see spec/smp.md §5.7 */
export function smpImageValues(bytes: Uint8Array): { stateHash: string | undefined; notListedBecause: string | undefined; uploadSha: string } {
  const info = readImgMgmtInfo(bytes);
  return {
    stateHash: info.ok ? toHex(info.value.hash) : undefined,
    notListedBecause: info.ok ? undefined : `${info.error.name} (img_mgmt error ${info.error.rc}) at ${info.error.at}`,
    uploadSha: createHash('sha256').update(bytes).digest('hex'),
  };
}

function smpLines(bytes: Uint8Array): string[] {
  const smp = smpImageValues(bytes);
  return [
    'smp',
    `  state "hash"     ${smp.stateHash ?? `not listed by img_mgmt: ${smp.notListedBecause ?? ''}`}`,
    `  upload "sha"     ${smp.uploadSha}`,
  ];
}

/** Multi-line text: header, sizes, TLVs with offsets, checks, SMP values, defects and warnings. */
export function formatImageReport(r: ImageVerifyReport, file: string): string {
  const { layout } = r;
  const lines = [`${file}: ${layout.bytes.length} bytes — ${r.isValid ? 'OK' : `${r.defects.length} defect(s)`}`];
  if (layout.header) lines.push('header', ...headerLines(layout.header));
  const tlvs = [...(layout.protectedArea?.entries ?? []), ...(layout.unprotectedArea?.entries ?? [])];
  if (layout.protectedArea) lines.push(`protected TLV area @${layout.protectedArea.at}, ${layout.protectedArea.totalBytes} bytes`);
  if (layout.unprotectedArea) lines.push(`unprotected TLV area @${layout.unprotectedArea.at}, ${layout.unprotectedArea.totalBytes} bytes`);
  if (tlvs.length > 0) lines.push('TLVs', ...tlvs.map(tlvLine));
  if (layout.trailing) {
    const t = layout.trailing;
    const tr = t.trailer ? `, trailer magic @${t.trailer.magicAt} (max align ${t.trailer.maxAlign}), image_ok ${t.trailer.isConfirmed ? 'set (confirmed)' : 'unset'}` : '';
    lines.push(`padding          @${t.at}, ${t.bytes} bytes, ${t.kind}${tr}`);
  }
  lines.push('checks', ...checkLines(r));
  if (r.keyProblem) lines.push(`  key problem      ${r.keyProblem}`);
  lines.push(...smpLines(layout.bytes));
  if (r.defects.length > 0) lines.push('defects', ...r.defects.map(defectLine));
  if (r.warnings.length > 0) lines.push('warnings', ...r.warnings.map(defectLine));
  return lines.join('\n');
}

function hexOrUndefined(b: Uint8Array | undefined): string | undefined {
  return b ? toHex(b) : undefined;
}

/** Plain-JSON form of a report (byte strings as hex), stable for scripts. */
export function imageReportJson(r: ImageVerifyReport, file: string): Record<string, unknown> {
  const { layout } = r;
  const area = (a: typeof layout.protectedArea) => a && { at: a.at, totalBytes: a.totalBytes, entries: a.entries.map((e) => ({ type: e.type, name: e.name, at: e.at, len: e.len, value: toHex(e.value) })) };
  return {
    file, bytes: layout.bytes.length, isValid: r.isValid,
    header: layout.header && { ...layout.header, version: formatImageVersion(layout.header.version), flagNames: formatImageFlags(layout.header.flags) },
    protectedArea: area(layout.protectedArea), unprotectedArea: area(layout.unprotectedArea), trailing: layout.trailing,
    hash: { status: r.hash.status, alg: r.hash.alg, inImage: hexOrUndefined(r.hash.inImage), computed: hexOrUndefined(r.hash.computed) },
    key: { status: r.key.status, hashInImage: hexOrUndefined(r.key.hashInImage), pubkeyInImage: hexOrUndefined(r.key.pubkeyInImage), given: r.key.given && { kind: r.key.given.kind, hash: toHex(r.key.given.hash) } },
    signature: r.signature, smp: smpImageValues(layout.bytes), defects: r.defects, warnings: r.warnings, keyProblem: r.keyProblem,
  };
}
