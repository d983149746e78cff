/**
 * Replies from the Zephyr v4.0 smp_svr capture (test/fixtures/captures), turned into `SmpReply`
 * objects, so verifiers are tested on real device bytes rather than on bytes we made up.
 */
import { readFileSync } from 'node:fs';
import type { SmpReply } from '../../../../src/client/smp-client.ts';
import { fromHex } from '../../../../src/core/bytes.ts';
import type { SmpCommand } from '../../../../src/codec/smp/command.ts';
import { decodeSmpHeader } from '../../../../src/codec/smp/header.ts';
import { classifyResponseBody } from '../../../../src/codec/smp/message.ts';

const CAPTURE = 'test/fixtures/captures/zephyr-v4.0-smp-udp.jsonl';

interface CaptureLine {
  name: string;
  request_hex: string;
  response_hex: string;
}

let lines: Map<string, CaptureLine> | undefined;

function load(): Map<string, CaptureLine> {
  lines ??= new Map(
    readFileSync(CAPTURE, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as CaptureLine)
      .map((l) => [l.name, l]),
  );
  return lines;
}

/** Build a reply from request and response bytes. */
export function replyOf<Rsp>(requestHex: string, responseHex: string, command?: SmpCommand<unknown, Rsp>): SmpReply<Rsp> {
  const request = fromHex(requestHex);
  const response = fromHex(responseHex);
  const rq = decodeSmpHeader(request);
  const rs = decodeSmpHeader(response);
  if (!rq.ok || !rs.ok) throw new Error('capture line without SMP headers');
  const payload = response.subarray(8);
  const body = classifyResponseBody(payload);
  return {
    requestHeader: rq.value,
    requestBytes: request,
    header: rs.value,
    payload,
    body,
    decoded: body.kind === 'ok' && command ? command.decodeResponse(body.rsp) : undefined,
    sentAtNs: 0n,
    receivedAtNs: 1_000_000n,
    rttMs: 1,
  };
}

/** The captured exchange `name` as a reply. */
export function captured<Rsp>(name: string, command?: SmpCommand<unknown, Rsp>): SmpReply<Rsp> {
  const line = load().get(name);
  if (!line) throw new Error(`no capture line ${name}`);
  return replyOf(line.request_hex, line.response_hex, command);
}

/** The captured response hex of `name`. */
export function capturedResponseHex(name: string): string {
  const line = load().get(name);
  if (!line) throw new Error(`no capture line ${name}`);
  return line.response_hex;
}
