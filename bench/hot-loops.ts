/**
 * The harness's SMP hot loops in one process, for a CPU profile of the request path and the upload
 * engine without CLI start-up: echo round trips, then image uploads at windows 1…3, against a
 * device at `udp://127.0.0.1:PORT` (the fast device, see fast-device.ts). bench/profile.ts runs
 * it under `node --cpu-prof`.
 * Run: `node --import tsx bench/hot-loops.ts PORT`.
 */
import { uploadImage } from '../src/client/image-upload.ts';
import { SmpClient } from '../src/client/smp-client.ts';
import { signMcubootImage } from '../src/codec/image/index.ts';
import { smpRequest } from '../src/codec/smp/command.ts';
import { osCommands } from '../src/codec/smp/groups/os.ts';
import { UdpTransport } from '../src/transport/udp.ts';
import { isMainModule } from './is-main.ts';

const ECHOES = 5000;
const UPLOADS_PER_WINDOW = 3;

/** A signed 384 KiB test image; `n` makes each one differ (a repeated image would resume, not upload). */
function testImage(n: number): Uint8Array {
  const payload = Uint8Array.from({ length: 384 * 1024 - 72 }, (_, i) => (i * 31 + (i >> 10) + n) & 0xff);
  const built = signMcubootImage({ payload, version: { major: 1, minor: 2, revision: 3, build: n } });
  if (!built.ok) throw new Error(built.error);
  return built.value;
}

/** Run the loops; resolves to mean echo round trip (µs) and upload time per window (ms). */
export async function hotLoops(port: number): Promise<{ echoUs: number; uploadMs: Record<string, number[]> }> {
  const client = new SmpClient(await UdpTransport.open({ host: '127.0.0.1', port }));
  try {
    const req = smpRequest(osCommands.echo, { d: 'hello' });
    const started = performance.now();
    for (let i = 0; i < ECHOES; i++) await client.request(req, { timeoutMs: 1000 });
    const echoUs = ((performance.now() - started) * 1000) / ECHOES;
    // Images are built first, so the profile's upload part holds only the upload.
    const images = Array.from({ length: 3 * UPLOADS_PER_WINDOW }, (_, n) => testImage(Date.now() % 10_000 + n));
    const uploadMs: Record<string, number[]> = {};
    for (const [n, image] of images.entries()) {
      const window = 1 + (n % 3);
      const result = await uploadImage(client, image, { window });
      (uploadMs[String(window)] ??= []).push(result.durationMs);
    }
    return { echoUs, uploadMs };
  } finally {
    await client.close();
  }
}

if (isMainModule(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(await hotLoops(Number(process.argv[2])))}\n`);
}
