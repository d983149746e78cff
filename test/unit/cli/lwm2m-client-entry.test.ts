/**
 * How a simulated LwM2M client process is started: from the sources the TypeScript entry through
 * tsx; in a run started from the CLI bundle, that build's plain-JavaScript `lwm2m-client.js`,
 * which starts, registers with a real LwM2M server over loopback, answers a Read and de-registers
 * on stop with no TypeScript loader in its process.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../../src/cli/run-vitest.ts';
import { Lwm2mServer } from '../../../src/client/lwm2m-server.ts';
import { CLI_BUILD_ENV, lwm2mClientArgv, startLwm2mClientProcess, type Lwm2mClientProcess } from '../../../src/target/lwm2m/client-process.ts';

const SOURCE_ENTRY = join(PACKAGE_ROOT, 'src/simulator/lwm2m-client/main.ts');

/** The current build of the CLI bundle, rebuilt first when a source changed since. */
function currentBuild(): string {
  execFileSync(process.execPath, [join(PACKAGE_ROOT, 'bin/mgmt-conformance.js'), '--version']);
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'dist/cli/manifest.json'), 'utf8')) as { build: string }).build;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('simulated LwM2M client process entry', () => {
  it('from the sources: the TypeScript entry through the tsx loader, then the options', () => {
    for (const env of [{}, { [CLI_BUILD_ENV]: 'no-such-build' }, { [CLI_BUILD_ENV]: '../../src' }]) {
      const argv = lwm2mClientArgv('{"endpoint":"x"}', env);
      expect(argv[0]).toBe('--import');
      expect(argv[1]).toMatch(/tsx/);
      expect(argv.slice(2)).toEqual([SOURCE_ENTRY, '{"endpoint":"x"}']);
    }
  });

  it('from a CLI bundle build: its lwm2m-client.js, which registers, answers and de-registers without tsx', { timeout: 120_000 }, async () => {
    const build = currentBuild();
    const bundled = join(PACKAGE_ROOT, 'dist/cli', build, 'lwm2m-client.js');
    expect(lwm2mClientArgv('{}', { [CLI_BUILD_ENV]: build })).toEqual([bundled, '{}']);

    const server = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => server.close());
    const before = process.env[CLI_BUILD_ENV];
    process.env[CLI_BUILD_ENV] = build;
    let client: Lwm2mClientProcess;
    try {
      client = await startLwm2mClientProcess({ server: `coap://127.0.0.1:${server.address().port}`, endpoint: 'bundled-client', version: '1.1', lifetimeS: 30, faults: [] });
    } finally {
      if (before === undefined) delete process.env[CLI_BUILD_ENV];
      else process.env[CLI_BUILD_ENV] = before;
    }
    cleanups.push(() => client.stop());
    const argv = readFileSync(`/proc/${client.pid}/cmdline`, 'utf8').split('\0');
    expect(argv[1]).toBe(bundled);
    expect(argv.join(' ')).not.toMatch(/tsx/);

    const registration = await server.waitForRegistration('bundled-client', 15_000);
    expect(registration.peer.port).toBe(client.local.port);
    expect((await server.read('bundled-client', '/3/0/0')).code).toBe('2.05');
    await client.stop();
    expect(server.history.some((h) => h.kind === 'deregister' && h.endpoint === 'bundled-client' && h.answered === '2.02')).toBe(true);
  });
});
