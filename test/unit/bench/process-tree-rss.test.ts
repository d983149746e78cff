/**
 * The bench's memory sampler: a process that starts a child in a process group of its own (as
 * `run` starts its target runs), the child holding 64 MiB resident, is counted as one tree.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { processTree, sampleTreeRss, sideOf } from '../../../bench/process-tree-rss.ts';

const MiB = 1024 * 1024;

describe('process tree memory', { timeout: 30_000 }, () => {
  it('counts a detached child holding 64 MiB in its parent\'s tree', async () => {
    const childCode = `const b = Buffer.alloc(${64 * MiB}, 1); console.log('ready'); setTimeout(() => b.length, 60000);`;
    const parentCode = `const { spawn } = require('node:child_process'); const c = spawn(process.execPath, ['-e', ${JSON.stringify(childCode)}], { detached: true, stdio: ['ignore', 'inherit', 'ignore'] }); process.on('SIGTERM', () => { process.kill(c.pid, 'SIGKILL'); process.exit(0); }); setTimeout(() => undefined, 60000);`;
    const parent = spawn(process.execPath, ['-e', parentCode], { stdio: ['ignore', 'pipe', 'ignore'] });
    const sampler = sampleTreeRss(parent.pid!, 20);
    await new Promise<void>((ready) => parent.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && ready()));
    await new Promise((r) => setTimeout(r, 200));
    const tree = processTree(parent.pid!);
    parent.kill('SIGTERM');
    await new Promise((r) => parent.on('exit', r));
    const figures = sampler.stop();
    expect(tree.size).toBe(2);
    expect(figures.processCount).toBe(2);
    expect(figures.peakTreeRssBytes).toBeGreaterThan(64 * MiB);
    expect(figures.largestProcessPeakBytes).toBeGreaterThan(64 * MiB);
    expect(figures.sumOfProcessPeaksBytes).toBeGreaterThanOrEqual(figures.peakTreeRssBytes);
    expect(figures.processes[0]!.peakBytes).toBe(figures.largestProcessPeakBytes);
    // The child's 64 MiB are private: its PSS holds them whole, the tree's PSS is below its summed RSS
    // (the two node processes share the binary's pages).
    expect(figures.processes[0]!.peakPssAnonBytes).toBeGreaterThan(64 * MiB);
    expect(figures.peakTreePssBytes).toBeGreaterThan(64 * MiB);
    expect(figures.peakTreePssBytes).toBeLessThan(figures.peakTreeRssBytes);
    expect(figures.peakHarnessPssBytes).toBe(figures.peakTreePssBytes);
  });

  it('counts the simulated devices\' processes on the device side', () => {
    expect(sideOf(['node', '--import', 'tsx', '/p/src/simulator/lwm2m-client/main.ts', '{}'])).toBe('device');
    expect(sideOf(['node', '--import', 'tsx', '/p/src/cli/run-child.ts', 'job.json'])).toBe('harness');
    expect(sideOf(['node', '/p/dist/cli/b1-2/lwm2m-client.js', '{}'])).toBe('device');
    expect(sideOf(['node', '/p/dist/cli/b1-2/run-child.js', 'job.json'])).toBe('harness');
  });
});
