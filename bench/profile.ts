/**
 * CPU profiles of where the harness spends its time: a whole-process `image upload` to the fast
 * device, the SMP hot loops in one process (echo round trips and uploads at windows 1…3, see
 * hot-loops.ts) and a suite run (`run --suite smp/os --transport udp`), each through `node --cpu-prof`.
 * The profiles and a summary (top functions by self time) are written to reports/bench/profiles/;
 * open a `.cpuprofile` in Chrome DevTools or VS Code for the call tree.
 * Run: `node --import tsx bench/profile.ts`.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signMcubootImage } from '../src/codec/image/sign.ts';
import { isMainModule } from './is-main.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(root, 'reports/bench/profiles');

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }

/** Self time per function (share of samples, idle excluded), most first. */
export function topSelfTime(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }, count: number): { fn: string; percent: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)?.callFrame;
    if (f === undefined || f.functionName === '(idle)') return;
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(src|node_modules|bench)\//, '$1/')}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, count).map(([fn, t]) => ({ fn, percent: Math.round((t / total) * 1000) / 10 }));
}

function run(args: string[], name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${join(OUT, name)}`, ...args], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdout?.resume();
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${name} exited ${code}`))));
  });
}

/** Start the fast device (see fast-device.ts), run `work` with its port, stop it. */
async function withFastDevice(work: (port: number) => Promise<void>): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/fast-device.ts')], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout?.on('data', (b: Buffer) => {
    const m = /"port":(\d+)/.exec(b.toString());
    if (m) resolve(Number(m[1]));
  }));
  try {
    await work(port);
  } finally {
    child.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });
  const payload = Uint8Array.from({ length: 384 * 1024 - 72 }, (_, i) => (i * 7) & 0xff);
  const img = signMcubootImage({ payload, version: { major: 9, minor: 0, revision: 0, build: Date.now() % 1000 } });
  if (!img.ok) throw new Error(img.error);
  const file = join(OUT, 'image.bin');
  await writeFile(file, img.value);
  await withFastDevice(async (port) => {
    await run(['bin/mgmt-conformance.js', 'image', 'upload', '--smp', `udp://127.0.0.1:${port}`, file, '--window', '3'], 'image-upload');
    await run(['--cpu-prof-interval', '100', '--import', 'tsx', 'bench/hot-loops.ts', String(port)], 'hot-loops');
  });
  await run(['bin/mgmt-conformance.js', 'run', '--seed', '1234', '--suite', 'smp/os', '--transport', 'udp', '--out', join(OUT, 'suite-run-reports')], 'suite-run');
  await rm(file);
  const summary: Record<string, unknown> = {};
  for (const name of ['image-upload', 'hot-loops', 'suite-run']) {
    for (const f of (await readdir(join(OUT, name))).filter((x) => x.endsWith('.cpuprofile'))) {
      summary[`${name}/${f}`] = topSelfTime(JSON.parse(await readFile(join(OUT, name, f), 'utf8')), 15);
    }
  }
  await writeFile(join(OUT, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}

if (isMainModule(import.meta.url)) await main();
