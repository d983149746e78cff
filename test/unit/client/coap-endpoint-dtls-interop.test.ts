/**
 * The harness's CoAP endpoint serving coaps:// to an independent client: libcoap's coap-client
 * (Debian `libcoap3-bin`, OpenSSL and GnuTLS builds) GETs a resource over DTLS-PSK, block-wise
 * (Block2) because the body is larger than one block, exactly as it would over plain CoAP. A
 * wrong key is refused with a decrypt_error alert the client reports, and no request reaches the
 * resource. Skipped with the reason when the tools are not installed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CoapEndpoint } from '../../../src/client/coap-endpoint.ts';
import { exitWithin, hasTool, startTool } from '../transport/dtls/child-process.ts';

const IDENTITY = 'interop-dev';
const KEY_TEXT = 'interop-secret';
/** 3 000 bytes of text: three 1024-byte blocks. */
const BODY = Array.from({ length: 150 }, (_, i) => `line ${String(i).padStart(4, '0')} of the resource\n`).join('').slice(0, 3000);

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function coapsEndpoint(): Promise<CoapEndpoint> {
  const key = Buffer.from(KEY_TEXT);
  const endpoint = await CoapEndpoint.open({ host: '127.0.0.1', port: 0 }, { dtls: { pskLookup: (id) => (Buffer.from(id).toString() === IDENTITY ? key : undefined) } });
  cleanups.push(() => endpoint.close());
  return endpoint;
}

const TOOLS = ['coap-client-openssl', 'coap-client-gnutls'].filter((t) => hasTool(t, ['-h', 'x']));

describe.skipIf(TOOLS.length === 0)('CoAP endpoint over DTLS-PSK with libcoap coap-client (skipped: libcoap3-bin not installed)', () => {
  for (const tool of TOOLS) {
    it(`${tool}: GET coaps://…/fw/pkg returns the whole body block-wise`, async () => {
      const endpoint = await coapsEndpoint();
      const served = endpoint.serveResource('fw/pkg', new TextEncoder().encode(BODY), { contentFormat: 0 });
      expect(served.uri).toMatch(/^coaps:\/\/127\.0\.0\.1:\d+\/fw\/pkg$/);
      const started = performance.now();
      const run = startTool(tool, ['-m', 'get', '-u', IDENTITY, '-k', KEY_TEXT, '-B', '10', served.uri]);
      cleanups.push(() => run.kill());
      expect(await exitWithin(run, 20_000), run.output()).toBe(0);
      const elapsedMs = performance.now() - started;
      expect(run.output()).toContain(BODY.trim());
      // Three GETs, one per block, all inside one association.
      expect(served.requests.length).toBe(3);
      const established = endpoint.dtlsEvents.filter((e) => e.kind === 'established');
      expect(established).toHaveLength(1);
      const handshakeMs = established[0]!.kind === 'established' ? established[0]!.handshakeMs : NaN;
      expect(handshakeMs).toBeGreaterThan(0);
      expect(handshakeMs).toBeLessThan(elapsedMs);
      console.info(`${tool}: handshake ${handshakeMs.toFixed(1)} ms, whole GET ${elapsedMs.toFixed(0)} ms`);
    });

    it(`${tool}: a wrong key gets a decrypt_error alert, reported by the client; the resource sees no request`, async () => {
      const endpoint = await coapsEndpoint();
      const served = endpoint.serveResource('fw/pkg', new TextEncoder().encode(BODY));
      const run = startTool(tool, ['-m', 'get', '-u', IDENTITY, '-k', 'not-the-key', '-B', '3', served.uri]);
      cleanups.push(() => run.kill());
      const started = Date.now();
      await exitWithin(run, 15_000);
      // Refused promptly by the alert, not after the client's own wait ran out.
      expect(Date.now() - started).toBeLessThan(3000);
      expect(run.output()).toMatch(/decrypt error|Alert '51'|decrypt_error/i);
      expect(run.output()).not.toContain('line 0000');
      expect(served.requests).toEqual([]);
      expect(endpoint.dtlsEvents).toContainEqual(expect.objectContaining({ kind: 'closed', reason: expect.objectContaining({ kind: 'alert-sent', name: 'decrypt_error' }) }));
    });
  }
});
