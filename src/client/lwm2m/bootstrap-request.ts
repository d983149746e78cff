/**
 * The client-initiated Bootstrap-Request as the bootstrap server judges it: CON POST `/bs`
 * with `ep={name}` (mandatory) and, from LwM2M 1.1, `pct={format}` (the client's preferred
 * content format). A request without `ep`, with an empty or repeated one, or with a `pct` that
 * is not a content-format number, is refused with 4.00; unknown query items are findings.
 * @see docs/spec/lwm2m.md §2.3 (Bootstrap-Request, Wakaama's refusals)
 */
import type { CoapMessage } from '../../codec/coap/message.ts';
import type { DatagramPeer } from '../../core/transport.ts';

/** A Bootstrap-Request as received, with the answer the server gave. */
export interface BootstrapRequestRecord {
  /** `ep=` value; undefined when missing. */
  endpoint: string | undefined;
  /** `pct=` value (1.1), when given and numeric. */
  preferredFormat: number | undefined;
  query: string[];
  peer: DatagramPeer;
  atMs: number;
  atNs: bigint;
  message: CoapMessage;
  bytes: Uint8Array;
  /** Response code sent (2.04, or 4.00 for a refused request). */
  answered: string;
  /** Rule breaks and oddities in the request. */
  findings: string[];
}

/** The judgement of one Bootstrap-Request. */
export interface BootstrapRequestJudgement {
  endpoint: string | undefined;
  preferredFormat: number | undefined;
  code: '2.04' | '4.00';
  findings: string[];
}

const KNOWN_QUERIES = new Set(['ep', 'pct']);

/** Judge the Uri-Query items of a Bootstrap-Request. */
export function judgeBootstrapRequest(query: readonly string[]): BootstrapRequestJudgement {
  const findings: string[] = [];
  const values = new Map<string, string[]>();
  for (const item of query) {
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    const list = values.get(key) ?? [];
    list.push(eq < 0 ? '' : item.slice(eq + 1));
    values.set(key, list);
    if (!KNOWN_QUERIES.has(key)) findings.push(`unknown query item "${item}" in Bootstrap-Request`);
  }
  const eps = values.get('ep') ?? [];
  if (eps.length === 0) findings.push('Bootstrap-Request without ep= (the endpoint name is mandatory)');
  if (eps.length > 1) findings.push(`Bootstrap-Request with ${eps.length} ep= items`);
  const endpoint = eps.length === 1 && eps[0] !== '' ? eps[0] : undefined;
  if (eps.length === 1 && endpoint === undefined) findings.push('Bootstrap-Request with an empty ep=');
  const pcts = values.get('pct') ?? [];
  // A content-format number has at most 5 digits (0-65535); Wakaama refuses longer ones.
  const pct = pcts.length === 1 && /^\d{1,5}$/.test(pcts[0]!) && Number(pcts[0]) <= 0xffff ? Number(pcts[0]) : undefined;
  if (pcts.length > 0 && pct === undefined) findings.push(`pct=${pcts.join(',')} is not one content-format number`);
  const refused = endpoint === undefined || (pcts.length > 0 && pct === undefined);
  return { endpoint, preferredFormat: pct, code: refused ? '4.00' : '2.04', findings };
}
