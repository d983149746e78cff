/**
 * `sim --lwm2m URI --clients N` as a real process: N simulated LwM2M clients in one process, each
 * printed with its own endpoint name and port, all registering with a harness LwM2M server over
 * loopback UDP; SIGTERM de-registers them and exits 0.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { simOptionsFromArgs } from '../../../src/cli/sim.ts';
import { Lwm2mServer } from '../../../src/client/lwm2m-server.ts';
import { UsageError } from '../../../src/errors.ts';
import { waitForOutput } from './helpers/wait-for-output.ts';

const root = join(import.meta.dirname, '../../..');
const bin = join(root, 'bin/mgmt-conformance.js');
const N = 20;

const servers: Lwm2mServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

describe('sim --lwm2m --clients N', () => {
  it('parses --clients with --lwm2m only, within 1..10000', () => {
    expect(simOptionsFromArgs(['--lwm2m', 'coap://127.0.0.1:5683', '--clients', '3', '--endpoint', 'dev-'])).toEqual({ lwm2m: { server: 'coap://127.0.0.1:5683', faults: [], endpoint: 'dev-' }, clients: 3 });
    expect(() => simOptionsFromArgs(['--clients', '3'])).toThrow(UsageError);
    expect(() => simOptionsFromArgs(['--lwm2m', 'coap://127.0.0.1:5683', '--clients', '0'])).toThrow(/clients/);
    expect(() => simOptionsFromArgs(['--lwm2m', 'coap://127.0.0.1:5683', '--clients', '10001'])).toThrow(/clients/);
  });

  it(`${N} clients through the real CLI: distinct endpoints and ports, printed, all registered with the harness server`, async () => {
    const server = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 });
    servers.push(server);
    const uri = `coap://127.0.0.1:${server.address().port}`;
    const child = spawn(process.execPath, [bin, 'sim', '--lwm2m', uri, '--clients', String(N), '--endpoint', 'fleet-'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await waitForOutput(() => out + err, new RegExp(`all ${N} clients registered`), 60_000);
      const printed = [...out.matchAll(/^ {2}(fleet-\d+) 127\.0\.0\.1:(\d+)$/gm)].map((m) => ({ endpoint: m[1]!, port: Number(m[2]) }));
      const names = Array.from({ length: N }, (_, i) => `fleet-${i}`);
      expect(printed.map((p) => p.endpoint).sort()).toEqual([...names].sort());
      expect(new Set(printed.map((p) => p.port)).size).toBe(N);
      for (const p of printed) {
        const r = server.registration(p.endpoint);
        expect(r, `${p.endpoint} is not registered`).toBeDefined();
        expect(r!.peer.port).toBe(p.port);
      }
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).toMatch(new RegExp(`${N} LwM2M clients stopped \\(SIGTERM\\)`));
    expect(server.history.filter((h) => h.kind === 'deregister' && h.answered === '2.02').length).toBe(N);
  }, 90_000);
});
