/**
 * Block-wise transfers (RFC 7959) over the endpoint's request/response: reading a large
 * response block by block (Block2) and pushing a large request body (Block1), following the
 * peer's block size when it answers with a smaller SZX, and restarting smaller after a 4.13
 * that names a smaller size.
 * @see docs/spec/lwm2m.md §1.8
 */
import { concatBytes } from '../../core/bytes.ts';
import type { DatagramPeer } from '../../core/transport.ts';
import { blockOption, uintOptionOrUndefined } from '../../codec/coap/access.ts';
import { CoapOption } from '../../codec/coap/options.ts';
import { blockSize, encodeBlockValue, encodeUintValue, MAX_BLOCK_NUM } from '../../codec/coap/values.ts';
import type { CoapOptionValue } from '../../codec/coap/message.ts';
import type { CoapOutcome, CoapRequestOptions, CoapRequestSpec } from './types.ts';

/** What block-wise transfers need from the endpoint. */
export interface BlockwiseHost {
  request(peer: DatagramPeer, spec: CoapRequestSpec, options?: CoapRequestOptions): Promise<CoapOutcome>;
  nextToken(): Uint8Array;
}

/** Result of a block-wise transfer: the last exchange, every exchange, and the assembled body. */
export interface BlockwiseResult {
  /** The final exchange (last block, or the one that stopped the transfer). */
  final: CoapOutcome;
  exchanges: CoapOutcome[];
  /** Block2: the response body assembled from the blocks received. Block1: the bytes acknowledged. */
  body: Uint8Array;
  /** Completed as the RFC describes (false: stopped by an error code, RST or a protocol break). */
  complete: boolean;
  /** What went wrong or was renegotiated, in order. */
  notes: string[];
}

const withoutBlock = (options: readonly CoapOptionValue[] | undefined, number: number): CoapOptionValue[] =>
  (options ?? []).filter((o) => o.number !== number);

/**
 * GET (or any method) whose response may span blocks. `szx` asks for a size on the first
 * request (early negotiation, RFC 7959 §2.4); without it the first request has no Block2.
 */
export async function fetchBlockwise(host: BlockwiseHost, peer: DatagramPeer, spec: CoapRequestSpec, opts: CoapRequestOptions & { szx?: number; maxBlocks?: number } = {}): Promise<BlockwiseResult> {
  const exchanges: CoapOutcome[] = [];
  const parts: Uint8Array[] = [];
  const notes: string[] = [];
  const base = withoutBlock(spec.options, CoapOption.BLOCK2);
  let block: { num: number; szx: number } | undefined = opts.szx === undefined ? undefined : { num: 0, szx: opts.szx };
  let received = 0;
  const token = spec.token ?? host.nextToken();
  for (let i = 0; i < (opts.maxBlocks ?? MAX_BLOCK_NUM); i++) {
    const options = block ? [...base, { number: CoapOption.BLOCK2, value: encodeBlockValue({ num: block.num, more: false, szx: block.szx }) }] : base;
    const outcome = await host.request(peer, { ...spec, token, options }, opts);
    exchanges.push(outcome);
    const done = (complete: boolean, note?: string): BlockwiseResult => ({ final: outcome, exchanges, body: concatBytes(...parts), complete, notes: note ? [...notes, note] : notes });
    if (outcome.kind === 'reset') return done(false, 'RST during the transfer');
    const b2 = blockOption(outcome.response, CoapOption.BLOCK2);
    if (!b2) {
      if (i > 0) return done(false, `block ${i}: response ${outcome.response.code} without Block2`);
      parts.push(outcome.response.payload);
      return done(outcome.response.code.startsWith('2.'));
    }
    if (!b2.ok) return done(false, `Block2 option: ${b2.error}`);
    const size = blockSize(b2.value.szx);
    if (b2.value.num * size !== received) return done(false, `Block2 NUM ${b2.value.num} × ${size} ≠ offset ${received} expected`);
    if (b2.value.more && outcome.response.payload.length !== size) return done(false, `block ${b2.value.num}: ${outcome.response.payload.length} bytes, M=1 needs exactly ${size}`);
    if (block && b2.value.szx < block.szx) notes.push(`peer chose SZX ${b2.value.szx} (${size} B) over requested ${block.szx}`);
    parts.push(outcome.response.payload);
    received += outcome.response.payload.length;
    if (!b2.value.more) return done(outcome.response.code.startsWith('2.'));
    block = { num: received / size, szx: b2.value.szx };
  }
  return { final: exchanges[exchanges.length - 1]!, exchanges, body: concatBytes(...parts), complete: false, notes: [...notes, 'block limit reached'] };
}

/**
 * Send `spec.payload` in Block1 blocks of 2^(szx+4) bytes, one token for all blocks, Size1 on
 * the first block (`size1`: false leaves it out, a number announces that size instead of the
 * payload's, a wrong-size package on purpose). 2.31 Continue moves on; a Block1 with a smaller
 * SZX in the answer switches to that size from the next block (RFC 7959 §2.5); a larger one is
 * noted and not followed; 4.13 with a smaller Block1 SZX restarts from byte 0 at that size
 * (§2.9.3), a 4.13 with Size1 is noted with it. `stopAfterBlocks` abandons the transfer after
 * that many blocks (an interrupted push, on purpose).
 */
export async function pushBlockwise(host: BlockwiseHost, peer: DatagramPeer, spec: CoapRequestSpec, opts: CoapRequestOptions & { szx: number; size1?: boolean | number; stopAfterBlocks?: number }): Promise<BlockwiseResult> {
  const payload = spec.payload ?? new Uint8Array(0);
  const exchanges: CoapOutcome[] = [];
  const notes: string[] = [];
  const base = withoutBlock(spec.options, CoapOption.BLOCK1).filter((o) => o.number !== CoapOption.SIZE1);
  const token = spec.token ?? host.nextToken();
  let szx = opts.szx;
  let offset = 0;
  for (;;) {
    const size = blockSize(szx);
    const num = offset / size;
    const chunk = payload.subarray(offset, offset + size);
    const more = offset + size < payload.length;
    const options = [...base, { number: CoapOption.BLOCK1, value: encodeBlockValue({ num, more, szx }) }];
    if (num === 0 && opts.size1 !== false) options.push({ number: CoapOption.SIZE1, value: encodeUintValue(typeof opts.size1 === 'number' ? opts.size1 : payload.length) });
    const outcome = await host.request(peer, { ...spec, token, options, payload: chunk }, opts);
    exchanges.push(outcome);
    const done = (complete: boolean, acked: number, note?: string): BlockwiseResult => ({ final: outcome, exchanges, body: payload.subarray(0, acked), complete, notes: note ? [...notes, note] : notes });
    if (outcome.kind === 'reset') return done(false, offset, `RST on block ${num}`);
    const code = outcome.response.code;
    const b1 = blockOption(outcome.response, CoapOption.BLOCK1);
    if (b1 && !b1.ok) return done(false, offset, `Block1 option in ${code}: ${b1.error}`);
    const peerSzx = b1?.ok ? b1.value.szx : szx;
    if (code === '4.13' && peerSzx < szx) {
      notes.push(`4.13 on block ${num}: restarting at SZX ${peerSzx}`);
      szx = peerSzx;
      offset = 0;
      continue;
    }
    const size1 = code === '4.13' ? uintOptionOrUndefined(outcome.response, CoapOption.SIZE1) : undefined;
    if (size1 !== undefined) notes.push(`4.13 on block ${num} with Size1 ${size1}: the peer takes at most ${size1} bytes`);
    if (code !== '2.31') return done(code.startsWith('2.') && !more, code.startsWith('2.') ? offset + chunk.length : offset, more && code.startsWith('2.') ? `final code ${code} before the last block` : undefined);
    if (!more) return done(false, payload.length, '2.31 Continue on the last block');
    if (opts.stopAfterBlocks !== undefined && exchanges.length >= opts.stopAfterBlocks) return done(false, offset + chunk.length, `stopped after ${exchanges.length} blocks on purpose`);
    // The peer took the whole block; a smaller SZX applies from the next one (RFC 7959 §2.5, Figure 6).
    if (peerSzx < szx) notes.push(`2.31 on block ${num} asked for SZX ${peerSzx} (${blockSize(peerSzx)} B)`);
    else if (peerSzx > szx) notes.push(`2.31 on block ${num} named SZX ${peerSzx}, larger than the block's SZX ${szx}: not followed`);
    offset += size;
    szx = Math.min(szx, peerSzx);
  }
}
