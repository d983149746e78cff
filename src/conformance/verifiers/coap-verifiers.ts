/**
 * CoAP-level verifiers for LwM2M answers: the response code against the acceptable ones, the
 * token echo, and the quote every failure carries (code, options by name, payload hex and its
 * decoded values), in the h2spec "Expected one of / Actual" form.
 * @see docs/spec/lwm2m.md §1.3, §1.4, §5
 */
import type { Lwm2mResponse } from '../../client/lwm2m-server.ts';
import { coapCodeName } from '../../codec/coap/codes.ts';
import { describeCoapMessage, type DescribedOption } from '../../codec/coap/describe.ts';
import { formatPath } from '../../codec/lwm2m/path.ts';
import { toSpacedHex } from '../../core/bytes.ts';
import { failCheck, type VerifierScope } from './scope.ts';

/** What the CoAP verifiers read of a device-management answer (any payload type). */
export type CoapAnswer = Pick<Lwm2mResponse<unknown>, 'outcome' | 'code' | 'options' | 'contentFormat' | 'payload' | 'decoded' | 'notes'>;

/** Longest payload quoted in a failure, in bytes. */
const QUOTE_BYTES = 96;

function optionText(o: DescribedOption): string {
  const value = o.block ? `${o.block.num}${o.block.more ? '+' : ''}/${o.block.size}` : o.value !== undefined ? JSON.stringify(o.value) : o.hex === '' ? '(empty)' : `0x${o.hex}`;
  return `${o.name}=${value}`;
}

function decodedText(rsp: CoapAnswer): string | undefined {
  const d = rsp.decoded;
  if (d === undefined) return undefined;
  if (!d.ok) return `not decodable: ${d.error.message}`;
  if (!Array.isArray(d.value)) return JSON.stringify(d.value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}` : v));
  const items = (d.value as { path?: readonly number[]; value?: { value: unknown } }[]).slice(0, 12).map((r) => {
    const v = r.value?.value;
    const shown = v instanceof Uint8Array ? `0x${toSpacedHex(v, 16).replace(/ /g, '')}` : typeof v === 'bigint' ? `${v}` : JSON.stringify(v);
    return r.path ? `${formatPath(r.path)}=${shown}` : JSON.stringify(r, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}` : x));
  });
  return `${items.join(', ')}${d.value.length > 12 ? ` … (${d.value.length} records)` : ''}`;
}

/** The answer quoted on one or more lines: code, type, options, payload hex and decoded values. */
export function describeAnswer(rsp: CoapAnswer): string {
  const o = rsp.outcome;
  if (o.kind === 'reset') return `RST (the client refused the request; MID ${o.reset.messageId})`;
  const m = describeCoapMessage(o.response);
  const lines = [`${codeLine(rsp.code ?? '?')} (${o.piggybacked ? 'piggybacked in the ACK' : `separate ${o.response.type}`})`];
  const options = (m['options'] as DescribedOption[]).map(optionText);
  lines.push(`options: ${options.length > 0 ? options.join('; ') : 'none'}`);
  if (rsp.payload.length > 0) {
    lines.push(`payload (${rsp.payload.length} bytes): ${toSpacedHex(rsp.payload, QUOTE_BYTES)}`);
  } else lines.push('payload: none');
  const decoded = decodedText(rsp);
  if (decoded !== undefined) lines.push(`decoded: ${decoded}`);
  if (rsp.notes.length > 0) lines.push(`notes: ${rsp.notes.join('; ')}`);
  return lines.join('\n');
}

function codeLine(code: string): string {
  const name = coapCodeName(code);
  return name === undefined ? code : `${code} ${name}`;
}

/**
 * The answer's code is one of `accepted`; returns it. An RST or another code fails the case
 * quoting the answer.
 */
export function coapCode(scope: VerifierScope, rsp: CoapAnswer, accepted: string | readonly string[], check?: string): string {
  const list = typeof accepted === 'string' ? [accepted] : accepted;
  if (rsp.code !== undefined && list.includes(rsp.code)) return rsp.code;
  failCheck(scope, { ...(check === undefined ? {} : { check }), expected: list.map(codeLine), actual: describeAnswer(rsp) });
}

/** The response echoes the request token byte for byte (RFC 7252 §5.3.2). */
export function tokenEchoed(scope: VerifierScope, rsp: CoapAnswer): void {
  const o = rsp.outcome;
  if (o.kind !== 'response') return;
  const sent = toSpacedHex(o.request.token);
  const got = toSpacedHex(o.response.token);
  if (sent !== got) failCheck(scope, { check: 'token', expected: [`token ${sent || '(empty)'} echoed`], actual: `token ${got || '(empty)'}\n${describeAnswer(rsp)}` });
}
