/**
 * A case's evidence (every frame in and out) as Allure runtime messages: one step per exchange
 * (a request and the frames that answered it) and the whole trace attached twice, as annotated
 * hex for people and as JSON for tools.
 * @see docs/architecture.md "Cases" (evidence)
 */

/** One evidence entry as the kit stores it (`EvidenceEntry` in src/conformance/meta.ts). */
export interface EvidenceItem {
  direction: 'out' | 'in' | 'event';
  /** hrtime nanoseconds as a decimal string. */
  atNs: string;
  hex: string;
  decoded?: unknown;
  note?: string;
}

/** The Allure runtime messages this module produces (a subset of allure-js-commons' `RuntimeMessage`). */
export type EvidenceMessage =
  | { type: 'step_start'; data: { name: string; start: number } }
  | { type: 'step_stop'; data: { stop: number; status: 'passed' } }
  | {
      type: 'attachment_content';
      data: { name: string; content: string; encoding: 'base64'; contentType: string; fileExtension: string; wrapInStep: boolean; timestamp: number };
    };

/** Most steps written per case; a property case can send thousands of frames. */
export const MAX_STEPS = 100;
const MAX_DECODED_CHARS = 400;

/** Read evidence entries out of untrusted metadata, dropping malformed ones. */
export function readEvidence(value: unknown): EvidenceItem[] {
  if (!Array.isArray(value)) return [];
  const out: EvidenceItem[] = [];
  for (const v of value) {
    if (typeof v !== 'object' || v === null) continue;
    const e = v as Record<string, unknown>;
    const direction = e['direction'];
    if (direction !== 'out' && direction !== 'in' && direction !== 'event') continue;
    const item: EvidenceItem = { direction, atNs: typeof e['atNs'] === 'string' ? e['atNs'] : '0', hex: typeof e['hex'] === 'string' ? e['hex'] : '' };
    if (e['decoded'] !== undefined) item.decoded = e['decoded'];
    if (typeof e['note'] === 'string') item.note = e['note'];
    out.push(item);
  }
  return out;
}

function spacedHex(hex: string): string {
  return (hex.match(/../g) ?? []).join(' ');
}

function relMs(e: EvidenceItem, originNs: bigint): number {
  try {
    return Number(BigInt(e.atNs) - originNs) / 1e6;
  } catch {
    return 0;
  }
}

function decodedText(decoded: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(decoded) ?? String(decoded);
  } catch {
    text = String(decoded);
  }
  return text.length > MAX_DECODED_CHARS ? `${text.slice(0, MAX_DECODED_CHARS)}…` : text;
}

const ARROW: Record<EvidenceItem['direction'], string> = { out: '>>>', in: '<<<', event: '---' };

/** The trace as annotated hex: time offset, direction, header | body bytes, decoded form, note. */
export function annotatedHex(evidence: readonly EvidenceItem[], dropped = 0): string {
  const origin = evidence[0] ? safeBigInt(evidence[0].atNs) : 0n;
  const lines: string[] = [];
  for (const e of evidence) {
    const head = spacedHex(e.hex.slice(0, 16));
    const body = spacedHex(e.hex.slice(16));
    const bytes = e.hex ? `${head}${body ? ` | ${body}` : ''}` : '';
    lines.push(`[+${relMs(e, origin).toFixed(3)} ms] ${ARROW[e.direction]} ${e.direction}${e.note ? ` (${e.note})` : ''}  ${bytes}`.trimEnd());
    if (e.decoded !== undefined) lines.push(`    ${decodedText(e.decoded)}`);
  }
  if (dropped > 0) lines.push(`(${dropped} more entries left out of the evidence)`);
  return `${lines.join('\n')}\n`;
}

function safeBigInt(text: string): bigint {
  try {
    return BigInt(text);
  } catch {
    return 0n;
  }
}

/** Group entries into exchanges: each `out` frame starts one; events and `in` frames join the current one. */
export function exchanges(evidence: readonly EvidenceItem[]): EvidenceItem[][] {
  const out: EvidenceItem[][] = [];
  for (const e of evidence) {
    const current = out[out.length - 1];
    if (e.direction === 'out' || !current) out.push([e]);
    else current.push(e);
  }
  return out;
}

const OP_NAMES: Record<number, string> = { 0: 'read', 1: 'read rsp', 2: 'write', 3: 'write rsp' };

/** `os write id 0 seq 21` from a decoded SMP header, when the evidence carries one. */
function requestLabel(decoded: unknown): string | undefined {
  const header = (decoded as { header?: Record<string, unknown> } | undefined)?.header;
  if (typeof header !== 'object' || header === null) return undefined;
  const { op, group, id, seq, groupName } = header;
  if (typeof op !== 'number' || typeof group !== 'number') return undefined;
  const where = typeof groupName === 'string' ? groupName : `group ${group}`;
  return `${where} ${OP_NAMES[op] ?? `op ${op}`} id ${String(id)} seq ${String(seq)}`;
}

function stepName(group: readonly EvidenceItem[], index: number): string {
  const first = group[0];
  const answers = group.filter((e) => e.direction === 'in').length;
  const label = first?.direction === 'out' ? (requestLabel(first.decoded) ?? 'send') : 'receive';
  const size = first?.direction === 'out' ? ` (${first.hex.length / 2} bytes${first.note ? `, ${first.note}` : ''})` : '';
  return `#${index + 1} ${label}${size} → ${answers} frame(s) back`;
}

function attachment(name: string, text: string, contentType: string, fileExtension: string, timestamp: number, wrapInStep: boolean): EvidenceMessage {
  const content = Buffer.from(text, 'utf8').toString('base64');
  return { type: 'attachment_content', data: { name, content, encoding: 'base64', contentType, fileExtension, wrapInStep, timestamp } };
}

/**
 * Allure messages for a case's evidence; `startMs` is the case's wall-clock start (epoch ms), used
 * to place the steps in time since evidence timestamps are monotonic, not wall-clock.
 */
export function evidenceMessages(evidence: readonly EvidenceItem[], startMs: number, dropped = 0): EvidenceMessage[] {
  if (evidence.length === 0) return [];
  const origin = safeBigInt(evidence[0]?.atNs ?? '0');
  const messages: EvidenceMessage[] = [];
  const groups = exchanges(evidence);
  groups.slice(0, MAX_STEPS).forEach((group, i) => {
    const start = startMs + relMs(group[0]!, origin);
    const stop = startMs + relMs(group[group.length - 1]!, origin);
    messages.push({ type: 'step_start', data: { name: stepName(group, i), start } });
    messages.push(attachment('frames', annotatedHex(group), 'text/plain', 'txt', stop, false));
    // A step records what happened on the wire; the verdict belongs to the case, so steps pass.
    messages.push({ type: 'step_stop', data: { stop, status: 'passed' } });
  });
  const end = startMs + relMs(evidence[evidence.length - 1]!, origin);
  const moreSteps = groups.length > MAX_STEPS ? groups.length - MAX_STEPS : 0;
  const note = moreSteps > 0 ? `\n(${moreSteps} further exchanges are in the full trace only)\n` : '';
  messages.push(attachment('trace (annotated hex)', annotatedHex(evidence, dropped) + note, 'text/plain', 'txt', end, false));
  messages.push(attachment('trace (json)', `${JSON.stringify({ dropped, evidence }, null, 1)}\n`, 'application/json', 'json', end, false));
  return messages;
}
