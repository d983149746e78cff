/**
 * Process entry of the simulated LwM2M client, so the device runs in its own process and never
 * shares one with the harness that judges it (docs/design-notes.md §2). The options are one JSON
 * argument (`Lwm2mClientSimulatorOptions`); once the client's socket is bound it prints one JSON
 * line `{"endpoint", "version", "local": {"host", "port"}}` and then registers. It de-registers
 * and exits on SIGTERM/SIGINT, or when its standard input closes (the parent is gone).
 */
import { startLwm2mClientSimulator, type Lwm2mClientSimulatorOptions } from './index.ts';

async function main(json: string): Promise<void> {
  const options = JSON.parse(json) as Lwm2mClientSimulatorOptions;
  const running = await startLwm2mClientSimulator(options);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await running.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.on('error', () => void stop());
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ endpoint: running.endpoint, version: running.version, local: running.localAddress })}\n`);
}

const arg = process.argv[2];
// The TypeScript entry, or the CLI bundle's lwm2m-client.js.
if (arg !== undefined && /(?:main\.ts|lwm2m-client\.js)$/.test(process.argv[1] ?? '')) {
  main(arg).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  });
}
