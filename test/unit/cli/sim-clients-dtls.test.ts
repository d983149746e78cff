/**
 * `sim --lwm2m coaps://… --clients N` as a real process: N simulated clients, each with its own
 * DTLS 1.2 PSK association to one harness server (shared identity and key, or one identity per
 * client with `{i}`), all registered and readable over DTLS; SIGTERM de-registers them.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Lwm2mServer } from '../../../src/client/lwm2m-server.ts';
import { waitForOutput } from './helpers/wait-for-output.ts';

const root = join(import.meta.dirname, '../../..');
const bin = join(root, 'bin/mgmt-conformance.js');
const N = 5;
const KEY = '00112233445566778899aabbccddeeff';

const servers: Lwm2mServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** A CoAPs server knowing `identities` (all with KEY); records the identities it was offered. */
async function dtlsServer(accepts: (identity: string) => boolean): Promise<{ server: Lwm2mServer; offered: string[] }> {
  const offered: string[] = [];
  const key = new Uint8Array(Buffer.from(KEY, 'hex'));
  const server = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 }, {
    dtls: {
      pskLookup: (identity) => {
        const text = Buffer.from(identity).toString('utf8');
        offered.push(text);
        return accepts(text) ? key : undefined;
      },
    },
  });
  servers.push(server);
  return { server, offered };
}

async function runClients(server: Lwm2mServer, identity: string, check: (out: string) => Promise<void>): Promise<string> {
  const uri = `coaps://127.0.0.1:${server.address().port}`;
  const args = [bin, 'sim', '--lwm2m', uri, '--clients', String(N), '--endpoint', 'sec-', '--psk-identity', identity, '--psk-key', KEY];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    await waitForOutput(() => out, new RegExp(`all ${N} clients registered`), 60_000);
    await check(out);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
  return out;
}

/** Every client registered from its own DTLS association and answers a Read through it. */
async function expectAllOverDtls(server: Lwm2mServer, out: string): Promise<void> {
  const printed = [...out.matchAll(/^ {2}(sec-\d+) 127\.0\.0\.1:(\d+)$/gm)].map((m) => ({ endpoint: m[1]!, port: Number(m[2]) }));
  expect(printed).toHaveLength(N);
  const associations = server.coap.dtls!.peers();
  expect(new Set(associations.map((p) => p.port))).toEqual(new Set(printed.map((p) => p.port)));
  for (const p of printed) {
    expect(server.registration(p.endpoint)?.peer.port, `${p.endpoint} registered from its own port`).toBe(p.port);
    const read = await server.read(p.endpoint, '/3/0/0');
    expect(read.code, `${p.endpoint} read over DTLS`).toBe('2.05');
  }
  const established = server.coap.dtlsEvents.filter((e) => e.kind === 'established');
  expect(established).toHaveLength(N);
}

describe('sim --lwm2m coaps:// --clients N', () => {
  it(`${N} clients sharing one PSK identity and key: ${N} associations, all registered and readable over DTLS`, async () => {
    const { server, offered } = await dtlsServer((id) => id === 'fleet');
    const out = await runClients(server, 'fleet', (o) => expectAllOverDtls(server, o));
    expect(out).toMatch(/DTLS PSK identity fleet \(shared\)/);
    expect(new Set(offered)).toEqual(new Set(['fleet']));
    expect(server.history.filter((h) => h.kind === 'deregister' && h.answered === '2.02')).toHaveLength(N);
  }, 90_000);

  it(`${N} clients with one identity each ({i}): the server sees each identity once`, async () => {
    const { server, offered } = await dtlsServer((id) => /^dev-\d$/.test(id));
    await runClients(server, 'dev-{i}', async (o) => {
      await expectAllOverDtls(server, o);
      const identities = server.coap.dtls!.peers().map((p) => Buffer.from(p.identity).toString('utf8'));
      expect(identities.sort()).toEqual(Array.from({ length: N }, (_, i) => `dev-${i}`));
    });
    expect(offered.sort()).toEqual(Array.from({ length: N }, (_, i) => `dev-${i}`));
  }, 90_000);

  it('a client whose identity the server does not know is refused and does not register', async () => {
    const { server, offered } = await dtlsServer((id) => id !== 'dev-2');
    const uri = `coaps://127.0.0.1:${server.address().port}`;
    const child = spawn(process.execPath, [bin, 'sim', '--lwm2m', uri, '--clients', '3', '--endpoint', 'sec-', '--psk-identity', 'dev-{i}', '--psk-key', KEY], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await Promise.all(['sec-0', 'sec-1'].map((ep) => server.waitForRegistration(ep, 60_000)));
      await waitForOutput(() => offered.join(','), /dev-2/, 30_000);
      expect(server.registration('sec-2')).toBeUndefined();
      const refused = server.coap.dtlsEvents.filter((e) => e.kind === 'closed' && e.reason.kind === 'alert-sent');
      expect(refused.length).toBeGreaterThan(0);
    } finally {
      child.kill('SIGTERM');
    }
    // The client that never registered holds nothing that keeps the process from exiting.
    const t = performance.now();
    expect(await exited).toBe(0);
    expect(performance.now() - t).toBeLessThan(20_000);
  }, 90_000);
});
