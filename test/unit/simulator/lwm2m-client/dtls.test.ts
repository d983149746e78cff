/**
 * The simulated client over CoAPs: it handshakes (DTLS 1.2, PSK, AES-128-CCM_8) with the harness's
 * LwM2M server, registers and answers reads through the association; with `lwm2m-dtls-wrong-psk`
 * the server refuses the handshake with a decrypt_error alert and no Register arrives.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Lwm2mBootstrapServer, dmServerPlan } from '../../../../src/client/lwm2m-bootstrap-server.ts';
import { Lwm2mServer } from '../../../../src/client/lwm2m-server.ts';
import { NotRegisteredError, RegistrationTimeoutError } from '../../../../src/errors.ts';
import { startLwm2mClientSimulator, type RunningLwm2mClient } from '../../../../src/simulator/lwm2m-client/index.ts';
import { dtlsFailureDetail, dtlsOptionsOf } from '../../../../src/target/lwm2m/driver.ts';
import { freeUdpPort, hasTool, startTool } from '../../transport/dtls/child-process.ts';

const security = { mode: 'psk' as const, identity: 'sim-client', key: '00112233445566778899aabbccddeeff' };
const ENDPOINT = 'dtls-sim';

const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const r of running.splice(0).reverse()) await r.stop();
});

async function serverAndClient(faults: string[]): Promise<{ server: Lwm2mServer; sim: RunningLwm2mClient }> {
  const server = await Lwm2mServer.listen('coaps://127.0.0.1:0', { dtls: dtlsOptionsOf({ security })! });
  running.push({ stop: () => server.close() });
  const sim = await startLwm2mClientSimulator({ server: `coaps://127.0.0.1:${server.address().port}`, endpoint: ENDPOINT, security, faults, registerRetryMs: 300 });
  running.push(sim);
  return { server, sim };
}

describe('simulated LwM2M client over DTLS-PSK', () => {
  it('handshakes, registers and answers a read inside the association', async () => {
    const { server } = await serverAndClient([]);
    const registration = await server.waitForRegistration(ENDPOINT, 10_000);
    expect(registration.endpoint).toBe(ENDPOINT);
    const read = await server.read(ENDPOINT, '/3/0/0');
    expect(read.code).toBe('2.05');
    expect(new TextDecoder().decode(read.payload).length).toBeGreaterThan(0);
    const established = server.coap.dtlsEvents.filter((e) => e.kind === 'established');
    expect(established).toHaveLength(1);
    expect(Buffer.from(established[0]!.kind === 'established' ? established[0]!.peer.identity : []).toString()).toBe(security.identity);
    // The Security object announces the CoAPs URI the client was pointed at.
    expect(server.coap.scheme).toBe('coaps');
    expect(dtlsFailureDetail(server.coap.dtlsEvents)).toBeUndefined();
  });

  it('lwm2m-dtls-wrong-psk: the server refuses the handshake with decrypt_error; no Register arrives', async () => {
    const { server } = await serverAndClient(['lwm2m-dtls-wrong-psk']);
    await expect(server.waitForRegistration(ENDPOINT, 2500)).rejects.toSatisfy((e) => e instanceof RegistrationTimeoutError || e instanceof NotRegisteredError);
    const closed = server.coap.dtlsEvents.filter((e) => e.kind === 'closed');
    expect(closed.length).toBeGreaterThan(0);
    expect(closed[0]).toMatchObject({ reason: { kind: 'alert-sent', name: 'decrypt_error' } });
    expect(server.coap.dtlsEvents.some((e) => e.kind === 'established')).toBe(false);
    expect(dtlsFailureDetail(server.coap.dtlsEvents)).toMatch(/DTLS handshake\(s\) failed: sent fatal alert decrypt_error/);
    expect(server.history.filter((h) => h.kind === 'register')).toEqual([]);
  });
});

describe('bootstrap over DTLS-PSK', () => {
  it('the client bootstraps from a coaps:// bootstrap server, takes the coaps:// DM account it wrote, and registers there over DTLS', async () => {
    const dtls = dtlsOptionsOf({ security })!;
    const dm = await Lwm2mServer.listen('coaps://127.0.0.1:0', { dtls });
    running.push({ stop: () => dm.close() });
    const key = new Uint8Array(Buffer.from(security.key, 'hex'));
    const bs = await Lwm2mBootstrapServer.listen('coaps://127.0.0.1:0', { dtls, autoProvision: dmServerPlan(`coaps://127.0.0.1:${dm.address().port}`, { mode: 'psk', pskIdentity: security.identity, pskKey: key }) });
    running.push({ stop: () => bs.close() });
    expect(bs.uri).toMatch(/^coaps:\/\//);
    const sim = await startLwm2mClientSimulator({ bootstrap: bs.uri, endpoint: 'bs-dtls', security, registerRetryMs: 300 });
    running.push(sim);
    const registration = await dm.waitForRegistration('bs-dtls', 10_000);
    expect(bs.sessions[0]?.finishCode).toBe('2.04');
    expect(bs.coap.dtlsEvents.some((e) => e.kind === 'established')).toBe(true);
    expect(dm.coap.dtlsEvents.filter((e) => e.kind === 'established').map((e) => (e.kind === 'established' ? e.peer.port : 0))).toContain(registration.peer.port);
  });
});

/** libcoap's example server (Debian `libcoap3-bin`), when installed. */
const COAP_SERVERS = ['coap-server-openssl', 'coap-server-gnutls'].filter((t) => hasTool(t, ['-h']));

describe.skipIf(COAP_SERVERS.length === 0)('the simulated client against libcoap coap-server (skipped: libcoap3-bin not installed)', () => {
  for (const tool of COAP_SERVERS) {
    it(`${tool}: the client's DTLS handshake completes and its Register gets the server's CoAP answer`, async () => {
      const port = await freeUdpPort();
      const server = startTool(tool, ['-A', '127.0.0.1', '-p', String(port - 1), '-k', 'libcoap-key', '-v', '0']);
      running.push({ stop: async () => server.kill() });
      // libcoap serves coaps on the port after the one given (5683 → 5684).
      await new Promise((r) => setTimeout(r, 500));
      const psk = { mode: 'psk' as const, identity: 'sim-client', key: Buffer.from('libcoap-key').toString('hex') };
      const sim = await startLwm2mClientSimulator({ server: `coaps://127.0.0.1:${port}`, endpoint: ENDPOINT, security: psk, registerRetryMs: 60_000 });
      running.push(sim);
      // The example server has no /rd: the Register is answered with a 4.xx inside the association.
      const failed = await sim.waitFor('register-failed', 10_000);
      expect(failed).toMatchObject({ kind: 'register-failed', code: expect.stringMatching(/^4\.0[45]$/) });
    });
  }
});
