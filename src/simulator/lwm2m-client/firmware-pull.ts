/**
 * Firmware pull over CoAP as Zephyr's pull context does it: its own socket, CON GET of the
 * Package URI path with Block2 (first request also Size2 = 0), accepting only 2.05 per block,
 * until a block without the M flag. A malformed URI is Update Result 7, anything that goes wrong
 * on the way (no answer, another code, a missing Block2) is 4 (connection lost).
 * @see docs/spec/lwm2m.md §4.6 (Zephyr pull download, result codes)
 */
import { blockOption } from '../../codec/coap/access.ts';
import { CoapOption } from '../../codec/coap/options.ts';
import { encodeBlockValue, encodeStringValue, encodeUintValue } from '../../codec/coap/values.ts';
import { CoapSocket, type ConTiming } from './coap-socket.ts';
import { FwResult, type PackageDownloader } from './firmware.ts';
import { newToken } from './registration.ts';

/** Block size Zephyr's pull asks for (SZX 6: 1024 bytes). */
const PULL_SZX = 6;

/** A downloader for `coap://HOST:PORT/path` URIs, bounded by `maxBytes`. */
export function coapPackageDownloader(options: { localAddress: string; timing: ConTiming; maxBytes: number }): PackageDownloader {
  return async (uri) => {
    const m = /^coaps?:\/\/(\[[0-9a-fA-F:.]+\]|[^:/[\]]+)(?::(\d{1,5}))?(\/[^?#]*)?$/.exec(uri);
    if (m === null || uri.startsWith('coaps:')) return { ok: false, result: m === null ? FwResult.INVALID_URI : FwResult.UNSUPPORTED_PROTOCOL };
    const server = { address: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2] ?? 5683) };
    const segments = (m[3] ?? '').split('/').filter((s) => s !== '');
    const socket = await CoapSocket.open({ server, localAddress: options.localAddress, localPort: 0, timing: options.timing, hasDedup: true, onRequest: () => ({ kind: 'silent' }), onReset: () => undefined });
    try {
      const parts: Uint8Array[] = [];
      let total = 0;
      const token = newToken();
      let num = 0;
      let szx = PULL_SZX;
      for (;;) {
        const opts = [
          ...segments.map((s) => ({ number: CoapOption.URI_PATH, value: encodeStringValue(s) })),
          { number: CoapOption.BLOCK2, value: encodeBlockValue({ num, more: false, szx }) },
          ...(num === 0 ? [{ number: CoapOption.SIZE2, value: encodeUintValue(0) }] : []),
        ];
        const outcome = await socket.sendCon({ code: '0.01', token, options: opts, payload: new Uint8Array(0) });
        if (outcome.kind !== 'response' || outcome.message.code !== '2.05') return { ok: false, result: FwResult.CONNECTION_LOST };
        const block = blockOption(outcome.message, CoapOption.BLOCK2);
        parts.push(outcome.message.payload.slice());
        total += outcome.message.payload.length;
        if (total > options.maxBytes) return { ok: false, result: FwResult.NO_STORAGE };
        if (block === undefined || !block.ok || !block.value.more) break;
        // The server may answer with a smaller block size; continue in its size.
        szx = block.value.szx;
        num = block.value.num + 1;
      }
      const bytes = new Uint8Array(total);
      let at = 0;
      for (const p of parts) {
        bytes.set(p, at);
        at += p.length;
      }
      return { ok: true, bytes };
    } finally {
      await socket.close();
    }
  };
}
