/**
 * What the blocks of a Package push show about Block1 size negotiation: each request's block
 * (NUM, SZX) with the code and Block1 SZX of its answer, the variant the client used to ask for
 * smaller blocks (4.13 naming a smaller SZX, RFC 7959 §2.9.3, or 2.31 Continue naming one,
 * §2.5), and acknowledgements that name a larger SZX than the block they acknowledge.
 * @see docs/spec/lwm2m.md §1.8
 */
import { blockOption } from '../../../src/codec/coap/access.ts';
import type { CoapMessage } from '../../../src/codec/coap/message.ts';
import { CoapOption } from '../../../src/codec/coap/options.ts';

/** One exchange of a block-wise write, as the response's `exchanges` hold it. */
export type Block1Exchange = { request: CoapMessage } & ({ kind: 'response'; response: CoapMessage } | { kind: 'reset' });

/** One Block1 request and its answer. */
export interface Block1Step {
  num: number;
  szx: number;
  /** Response code; undefined for an RST. */
  code: string | undefined;
  /** SZX of the Block1 option in the answer; undefined when it carried none. */
  ackSzx: number | undefined;
}

/** How the client asked for smaller blocks. */
export interface Block1Negotiation {
  variant: '4.13' | '2.31';
  atBlock: number;
  fromSzx: number;
  toSzx: number;
}

const szxOf = (m: CoapMessage): { num: number; szx: number } | undefined => {
  const b = blockOption(m, CoapOption.BLOCK1);
  return b?.ok === true ? { num: b.value.num, szx: b.value.szx } : undefined;
};

/** `SZX 4 (256 B)`. */
export const describeSzx = (szx: number): string => `SZX ${szx} (${1 << (szx + 4)} B)`;

/** The Block1 steps of a push (exchanges without a Block1 in the request are left out). */
export function block1Steps(exchanges: readonly Block1Exchange[]): Block1Step[] {
  return exchanges.flatMap((x) => {
    const sent = szxOf(x.request);
    if (sent === undefined) return [];
    const code = x.kind === 'response' ? x.response.code : undefined;
    const ackSzx = x.kind === 'response' ? szxOf(x.response)?.szx : undefined;
    return [{ num: sent.num, szx: sent.szx, code, ackSzx }];
  });
}

/** The first answer that named a smaller SZX than its block (4.13 or 2.31), if any. */
export function negotiationOf(steps: readonly Block1Step[]): Block1Negotiation | undefined {
  const step = steps.find((s) => (s.code === '4.13' || s.code === '2.31') && s.ackSzx !== undefined && s.ackSzx < s.szx);
  return step === undefined ? undefined : { variant: step.code as '4.13' | '2.31', atBlock: step.num, fromSzx: step.szx, toSzx: step.ackSzx! };
}

/** `2.31 Continue on block 0: SZX 6 (1024 B) → SZX 4 (256 B)`. */
export function describeNegotiation(n: Block1Negotiation): string {
  return `${n.variant === '2.31' ? '2.31 Continue' : '4.13 Request Entity Too Large'} on block ${n.atBlock}: ${describeSzx(n.fromSzx)} → ${describeSzx(n.toSzx)}`;
}

/** 2.31 answers whose Block1 names a larger SZX than the block they acknowledge. */
export function largerAcknowledgements(steps: readonly Block1Step[]): Block1Step[] {
  return steps.filter((s) => s.code === '2.31' && s.ackSzx !== undefined && s.ackSzx > s.szx);
}

/** `block 3 (SZX 2 (64 B)) → 2.31 naming SZX 4 (256 B)`. */
export function describeStep(s: Block1Step): string {
  return `block ${s.num} (${describeSzx(s.szx)}) → ${s.code ?? 'RST'}${s.ackSzx === undefined ? '' : ` naming ${describeSzx(s.ackSzx)}`}`;
}
