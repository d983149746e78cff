/**
 * A CoAP GET over DTLS from libcoap's coap-client (Debian package `libcoap3-bin`, built against
 * OpenSSL and against GnuTLS) to a tiny responder on DtlsServer that answers 2.05 Content.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DtlsServer, type DtlsSessionEvent } from '../../../../src/transport/dtls/index.ts';
import { exitWithin, hasTool, startTool } from './child-process.ts';

const KEY_TEXT = 'secretPSK';
const PAYLOAD = 'hello over dtls';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * Answer any confirmable request with a piggybacked ACK 2.05 carrying PAYLOAD, built by hand:
 * ver 1, type ACK (2), same TKL, code 0x45, same Message ID and token, payload marker 0xff
 * (RFC 7252 §3, §5.2.1).
 */
function coapAck205(request: Uint8Array): Uint8Array {
  const tkl = request[0]! & 0x0f;
  return new Uint8Array(Buffer.concat([
    Buffer.from([0x60 | tkl, 0x45, request[2]!, request[3]!]),
    Buffer.from(request.subarray(4, 4 + tkl)),
    Buffer.from([0xff]),
    Buffer.from(PAYLOAD),
  ]));
}

async function coapResponder(): Promise<{ server: DtlsServer; events: DtlsSessionEvent[]; requests: Uint8Array[] }> {
  const key = new Uint8Array(Buffer.from(KEY_TEXT));
  const server = await DtlsServer.listen({ pskLookup: (id) => (Buffer.from(id).toString() === 'dev1' ? key : undefined) });
  cleanups.push(() => server.close());
  const events: DtlsSessionEvent[] = [];
  const requests: Uint8Array[] = [];
  server.onSession((e) => events.push(e));
  server.onDatagram((d, peer) => {
    requests.push(d);
    void server.send(coapAck205(d), peer);
  });
  return { server, events, requests };
}

for (const tool of ['coap-client-openssl', 'coap-client-gnutls']) {
  describe.skipIf(!hasTool(tool, ['-h']))(`${tool} against DtlsServer`, () => {
    it('GETs a resource over coaps and prints the 2.05 payload', async () => {
      const { server, events, requests } = await coapResponder();
      const run = startTool(tool, ['-m', 'get', '-u', 'dev1', '-k', KEY_TEXT, '-B', '5', `coaps://127.0.0.1:${server.address().port}/test`]);
      cleanups.push(() => run.kill());
      expect(await exitWithin(run, 15_000)).toBe(0);
      expect(run.output()).toContain(PAYLOAD);
      // CON (type 0), code 0.01 GET, Uri-Path "test" somewhere in the options.
      const request = requests[0]!;
      expect(request[0]! >> 4).toBe(0b0100);
      expect(request[1]).toBe(0x01);
      expect(Buffer.from(request).includes(Buffer.from('test'))).toBe(true);
      expect(events.find((e) => e.kind === 'established')).toMatchObject({ peer: { identity: new Uint8Array(Buffer.from('dev1')) } });
    });

    it('a wrong key gets a decrypt_error alert and no request is delivered', async () => {
      const { server, events, requests } = await coapResponder();
      const run = startTool(tool, ['-m', 'get', '-u', 'dev1', '-k', 'wrong-key', '-B', '3', `coaps://127.0.0.1:${server.address().port}/test`]);
      cleanups.push(() => run.kill());
      await exitWithin(run, 15_000);
      expect(run.output()).toMatch(/decrypt error|Alert '51'/i);
      expect(requests).toEqual([]);
      expect(events).toContainEqual(expect.objectContaining({ kind: 'closed', reason: expect.objectContaining({ name: 'decrypt_error' }) }));
    });
  });
}
