/**
 * The simulated client against the harness's own CoAP endpoint (src/client/coap-endpoint.ts)
 * as LwM2M server over loopback: Register routed to /rd, then reads in the build's formats and
 * a Block1 firmware push, each answer piggybacked with the token echoed (no `problems`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ContentFormat } from '../../../../src/codec/coap/content-format.ts';
import { CoapOption } from '../../../../src/codec/coap/options.ts';
import { encodeBlockValue, encodeStringValue } from '../../../../src/codec/coap/values.ts';
import { CoapEndpoint } from '../../../../src/client/coap-endpoint.ts';
import type { DatagramPeer } from '../../../../src/core/transport.ts';
import { startLwm2mClientSimulator, type RunningLwm2mClient } from '../../../../src/simulator/lwm2m-client/index.ts';
import { uintOption } from './test-server.ts';

let sim: RunningLwm2mClient | undefined;
let endpoint: CoapEndpoint | undefined;
afterEach(async () => {
  await sim?.stop();
  await endpoint?.close();
});

describe('LwM2M client with the harness CoAP endpoint', () => {
  it.each(['1.0', '1.1'] as const)('registers and answers reads and a firmware push (%s)', async (version) => {
    endpoint = await CoapEndpoint.open({ host: '127.0.0.1', port: 0 });
    const registered = new Promise<{ peer: DatagramPeer; query: string[] }>((resolve) => {
      endpoint!.handle({ path: ['rd'], methods: ['0.02', '0.04'] }, (req) => {
        if (req.path.length === 1) resolve({ peer: req.peer, query: req.query });
        return req.path.length === 1 ? { code: '2.01', options: ['rd', '7'].map((s) => ({ number: CoapOption.LOCATION_PATH, value: encodeStringValue(s) })) } : { code: req.message.code === '0.04' ? '2.02' : '2.04' };
      });
    });
    const { port } = endpoint.address();
    sim = await startLwm2mClientSimulator({ server: `coap://127.0.0.1:${port}`, version });
    const { peer, query } = await registered;
    expect(query).toContain(`lwm2m=${version}`);
    const hierarchical = version === '1.0' ? ContentFormat.LWM2M_TLV : ContentFormat.SENML_CBOR;
    for (const [path, accept] of [['/3/0', hierarchical], ['/3/0/0', ContentFormat.TEXT_PLAIN], ['/5/0', hierarchical]] as const) {
      const outcome = await endpoint.request(peer, { method: '0.01', path, options: [uintOption(CoapOption.ACCEPT, accept)] });
      if (outcome.kind !== 'response') throw new Error(`${path}: ${outcome.kind}`);
      expect([outcome.response.code, outcome.piggybacked, outcome.problems]).toEqual(['2.05', true, []]);
    }
    const token = Uint8Array.of(1, 2, 3, 4);
    const codes: string[] = [];
    for (let num = 0; num < 3; num++) {
      const options = [uintOption(CoapOption.CONTENT_FORMAT, 42), { number: CoapOption.BLOCK1, value: encodeBlockValue({ num, more: num < 2, szx: 2 }) }];
      const outcome = await endpoint.request(peer, { method: '0.03', path: '/5/0/0', options, payload: new Uint8Array(64).fill(num), token });
      codes.push(outcome.kind === 'response' ? outcome.response.code : outcome.kind);
    }
    expect(codes).toEqual(['2.31', '2.31', '2.04']);
    expect(sim.client.firmware.state).toBe(2);
  });
});
