/**
 * Dispatch of server requests to the device-management operations, as Zephyr's
 * `handle_request` maps them: unknown critical options 4.02, Security object 4.01, GET →
 * Read / Discover (Accept 40) / Observe, PUT → Write replace (Content-Format) or
 * Write-Attributes (none), POST → Create (object) / partial Write (instance) / Execute
 * (resource) / Write (resource instance), DELETE → Delete. Block1 bodies are assembled here
 * (the firmware Package is streamed block by block), answering 2.31 Continue per block with
 * Block1 M=0, as Zephyr v4.0 does (capture fw-push-block-*). Blocks larger than the client's
 * own block size are negotiated down one of two ways (`block1Negotiation`): refused with 4.13
 * carrying Block1 in that size (RFC 7959 §2.9.3), so the sender restarts smaller; or, as Zephyr's
 * CoAP library does, a larger first block is taken whole and acknowledged with 2.31 naming the
 * client's size (RFC 7959 §2.5), the sender going on at that size (a later larger block gets 4.13).
 * @see docs/spec/lwm2m.md §1.5, §1.8, §2.2, §5
 */
import { blockOption, observeOption, uintOptionOrUndefined, uriPath } from '../../codec/coap/access.ts';
import { ContentFormat } from '../../codec/coap/content-format.ts';
import type { CoapMessage } from '../../codec/coap/message.ts';
import { CoapOption, isCriticalOption } from '../../codec/coap/options.ts';
import { blockSize, encodeBlockValue } from '../../codec/coap/values.ts';
import { concatBytes } from '../../core/bytes.ts';
import { parseSegments, type Lwm2mPath } from '../../codec/lwm2m/path.ts';
import { lenientPath } from './wire-faults.ts';
import { codeOnly, type DmContext, type DmResponse } from './dm-context.ts';
import { handleFetch, handleIpatch } from './dm-composite.ts';
import { handleDiscover, handleObserve, handleRead, handleWriteAttributes } from './dm-read.ts';
import { handleCreate, handleDelete, handleExecute, handleWrite } from './dm-write.ts';

/** Options the client understands; any other critical option is refused with 4.02. */
const UNDERSTOOD_OPTIONS = new Set<number>([
  CoapOption.URI_HOST, CoapOption.OBSERVE, CoapOption.URI_PORT, CoapOption.URI_PATH, CoapOption.CONTENT_FORMAT,
  CoapOption.URI_QUERY, CoapOption.ACCEPT, CoapOption.BLOCK2, CoapOption.BLOCK1, CoapOption.SIZE2, CoapOption.SIZE1,
]);

interface Block1Transfer {
  nextOffset: number;
  parts: Uint8Array[];
  readonly isPackage: boolean;
  /** Set when the client took a larger first block and asked for this smaller size by 2.31. */
  negotiatedSzx?: number;
}

/** Answers server requests for one client. */
export class DmHandler {
  readonly #ctx: DmContext;
  readonly #transfers = new Map<string, Block1Transfer>();

  constructor(ctx: DmContext) {
    this.#ctx = ctx;
  }

  /** Answer one request (`peerKey` separates block transfers of different peers). */
  handle(request: CoapMessage, peerKey: string): DmResponse {
    const critical = request.options.find((o) => isCriticalOption(o.number) && !UNDERSTOOD_OPTIONS.has(o.number));
    if (critical !== undefined && !this.#ctx.faults.has('lwm2m-critical-option-ignored')) return codeOnly('4.02');
    const parsed = parseSegments(lenientPath(uriPath(request), this.#ctx.faults));
    if (!parsed.ok) return codeOnly(uriPath(request).length > 4 ? '4.04' : '4.00');
    const path = parsed.value;
    if (path[0] === 0) return this.#security(request);
    // Zephyr refuses Block1 on Write-Composite with 5.01 (§1.8).
    if (request.code === '0.07' && blockOption(request, CoapOption.BLOCK1) !== undefined) return codeOnly('5.01');
    if (path.length > 0 && this.#ctx.store.object(path[0]!) === undefined && this.#ctx.faults.has('lwm2m-unknown-object-bad-request')) return codeOnly('4.00');
    if (blockOption(request, CoapOption.BLOCK1) !== undefined) return this.#block1(request, path, peerKey);
    return this.#dispatch(request, path, request.payload);
  }

  #dispatch(request: CoapMessage, path: Lwm2mPath, body: Uint8Array): DmResponse {
    const ctx = this.#ctx;
    if (request.code === '0.05') {
      const observe = observeOption(request);
      return handleFetch(ctx, request, observe?.ok === true ? observe.value : undefined);
    }
    if (request.code === '0.07') return handleIpatch(ctx, request);
    if (path.length === 0) return codeOnly('4.05');
    switch (request.code) {
      case '0.01': {
        const observe = observeOption(request);
        if (observe !== undefined) return observe.ok && observe.value <= 1 ? handleObserve(ctx, request, path, observe.value) : codeOnly('4.00');
        if (uintOptionOrUndefined(request, CoapOption.ACCEPT) === ContentFormat.LINK_FORMAT) return handleDiscover(ctx, path);
        return handleRead(ctx, request, path);
      }
      case '0.03':
        if (uintOptionOrUndefined(request, CoapOption.CONTENT_FORMAT) === undefined) return handleWriteAttributes(ctx, request, path);
        return path.length < 2 ? codeOnly('4.05') : handleWrite(ctx, request, path, body, true);
      case '0.02':
        if (path.length === 1) return handleCreate(ctx, request, path[0]!, body);
        if (path.length === 3) return handleExecute(ctx, path, body);
        return handleWrite(ctx, request, path, body, false);
      case '0.04':
        return handleDelete(ctx, path);
      default:
        return codeOnly('4.05');
    }
  }

  /** Requests on the Security object: 4.01, or under a fault Write-Attributes slips past the check with 2.04. */
  #security(request: CoapMessage): DmResponse {
    const isWriteAttributes = request.code === '0.03' && uintOptionOrUndefined(request, CoapOption.CONTENT_FORMAT) === undefined;
    return codeOnly(isWriteAttributes && this.#ctx.faults.has('lwm2m-security-write-attributes-accepted') ? '2.04' : '4.01');
  }

  #block1(request: CoapMessage, path: Lwm2mPath, peerKey: string): DmResponse {
    const block = blockOption(request, CoapOption.BLOCK1)!;
    if (!block.ok) return codeOnly('4.00');
    const { num, more, szx } = block.value;
    const ownSzx = this.#ctx.block1Szx;
    const key = `${peerKey}|${Buffer.from(request.token).toString('hex')}|${path.join('/')}`;
    let transfer = this.#transfers.get(key);
    // Without negotiation the client keeps only its own block size of each larger block (a fault).
    const isTruncating = szx > ownSzx && this.#ctx.faults.has('lwm2m-fw-no-block-negotiation');
    const tooLarge = isTruncating ? undefined : this.#oversize(num, szx, transfer);
    if (tooLarge !== undefined) return tooLarge;
    const size = blockSize(szx);
    const isPackage = path.join('/') === '5/0/0' && request.code === '0.03';
    const total = uintOptionOrUndefined(request, CoapOption.SIZE1);
    if (num === 0) {
      if (!isPackage && total !== undefined && total > this.#ctx.maxBodyBytes) return codeOnly('4.13');
      transfer = { nextOffset: 0, parts: [], isPackage, ...(szx > ownSzx ? { negotiatedSzx: ownSzx } : {}) };
      this.#transfers.set(key, transfer);
    }
    // Filing blocks in arrival order whatever their NUM (a fault) takes a late start or a gap as the next block.
    const isOrderBlind = this.#ctx.faults.has('lwm2m-block-out-of-order-accepted');
    if (transfer === undefined && isOrderBlind) {
      transfer = { nextOffset: 0, parts: [], isPackage };
      this.#transfers.set(key, transfer);
    }
    const offset = isOrderBlind && transfer !== undefined ? transfer.nextOffset : num * size;
    if (transfer === undefined || offset !== transfer.nextOffset) return codeOnly('4.08');
    if (more && request.payload.length !== size) return codeOnly('4.00');
    // A client that always names its own size acknowledges a smaller block with a larger SZX (a fault).
    const ackSzx = this.#ctx.faults.has('lwm2m-block1-continue-own-szx') ? ownSzx : isTruncating ? szx : Math.min(szx, ownSzx);
    const echo = { number: CoapOption.BLOCK1, value: encodeBlockValue({ num, more: false, szx: ackSzx }) };
    let response: DmResponse;
    if (transfer.isPackage) {
      const data = isTruncating ? request.payload.subarray(0, blockSize(ownSzx)) : request.payload;
      const refused = this.#ctx.packageBlock(isTruncating ? num * blockSize(ownSzx) : offset, data, !more, num === 0 ? total : undefined);
      response = refused ? codeOnly(refused.code) : codeOnly(more ? '2.31' : '2.04');
    } else {
      transfer.parts.push(request.payload.slice());
      if (offset + request.payload.length > this.#ctx.maxBodyBytes) response = codeOnly('4.13');
      else response = more ? codeOnly('2.31') : this.#dispatch(request, path, concatBytes(...transfer.parts));
    }
    transfer.nextOffset = offset + request.payload.length;
    if (!more || !response.code.startsWith('2.')) this.#transfers.delete(key);
    if (response.code === '2.31' && this.#ctx.faults.has('lwm2m-block1-no-continue')) response = codeOnly('2.04');
    return { ...response, options: [...response.options, echo] };
  }

  /**
   * A block larger than the client takes: 4.13 naming the client's size, except the first block
   * of a transfer when the client negotiates by 2.31 (it takes that block whole). A later block
   * larger than the size the client acknowledged with is refused the same way.
   */
  #oversize(num: number, szx: number, transfer: Block1Transfer | undefined): DmResponse | undefined {
    const ownSzx = this.#ctx.block1Szx;
    const limit = num > 0 && transfer?.negotiatedSzx !== undefined ? transfer.negotiatedSzx : ownSzx;
    if (szx <= limit) return undefined;
    if (num === 0 && this.#ctx.block1Negotiation === '2.31') return undefined;
    return { ...codeOnly('4.13'), options: [{ number: CoapOption.BLOCK1, value: encodeBlockValue({ num: 0, more: false, szx: ownSzx }) }] };
  }
}
