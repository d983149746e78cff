/** The death profiles on the wire: the device answers, then dies (with or without a banner), and tells its host how. */
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../../src/simulator/index.ts';
import { req, SimLink } from './sim-link.ts';

const W = 2;
const echo = (d: string): Uint8Array => req(W, 0, 0, { d });
const fsUpload = (): Uint8Array => req(W, 8, 0, { off: 0, data: new Uint8Array(8), name: '/lfs1/mc-scratch.bin', len: 8 });

async function withSim(faults: string[], body: (link: SimLink, seen: { lines: string[]; fatal: string[] }) => Promise<void>): Promise<void> {
  const seen = { lines: [] as string[], fatal: [] as string[] };
  const sim = await startSimulator({ udp: { port: 0 }, serial: false, faults, onLog: (l) => seen.lines.push(l), onFatal: (how) => seen.fatal.push(how) });
  const link = await SimLink.udp(sim);
  try {
    await body(link, seen);
  } finally {
    await link.close();
    await sim.stop();
  }
}

describe('death fault profiles', () => {
  it("'crash-on-fs-upload': the first file upload gets no answer, nothing after it does, a bus fault banner is printed and the host is asked to exit", async () => {
    await withSim(['crash-on-fs-upload'], async (link, seen) => {
      expect(await link.ask(echo('before'))).toBeDefined();
      expect(await link.ask(fsUpload(), 300)).toBeUndefined();
      expect(await link.ask(echo('after'), 300)).toBeUndefined();
      expect(seen.lines.join('\n')).toMatch(/\*\*\*\*\* BUS FAULT \*\*\*\*\*[\s\S]*>>> ZEPHYR FATAL ERROR[\s\S]*mcumgr smp[\s\S]*Halting system/);
      expect(seen.fatal).toEqual(['exit']);
    });
    // Without the profile the same upload is answered.
    await withSim([], async (link, seen) => {
      expect(await link.ask(fsUpload())).toBeDefined();
      expect(seen.fatal).toEqual([]);
    });
  });

  it("'hang-after-requests': N requests answered, then silence, without a word on the console", async () => {
    await withSim(['hang-after-requests:3'], async (link, seen) => {
      for (let i = 0; i < 3; i++) expect(await link.ask(echo(`n${i}`))).toBeDefined();
      expect(await link.ask(echo('n3'), 300)).toBeUndefined();
      expect(seen.lines.filter((l) => l.includes('<err>'))).toEqual([]);
      expect(seen.fatal).toEqual(['halt']);
    });
  });

  it("'fault-banner': N requests answered, then a fatal-error banner and silence; the process keeps running", async () => {
    await withSim(['fault-banner:2'], async (link, seen) => {
      for (let i = 0; i < 2; i++) expect(await link.ask(echo(`n${i}`))).toBeDefined();
      expect(await link.ask(echo('n2'), 300)).toBeUndefined();
      expect(seen.lines.join('\n')).toMatch(/>>> ZEPHYR FATAL ERROR[\s\S]*Halting system/);
      expect(seen.fatal).toEqual(['halt']);
    });
  });
});
