/**
 * The case journal: the worker's writer streams the running case's evidence at an interval, one
 * case at a time, bounded like a finished case's evidence; the reader gives back what was
 * written, and the Allure result written for a case the run stopped in carries it as steps and
 * trace attachments.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeMissingAllureResults } from '../../../src/cli/run-target.ts';
import type { TargetRunPlan } from '../../../src/cli/run-targets.ts';
import { TraceLog, type TraceEntry } from '../../../src/core/trace.ts';
import { evidenceMessages, type EvidenceItem } from '../../../src/reporting/allure-evidence.ts';
import { writeAllureResultFromRecord } from '../../../src/reporting/allure-missing.ts';
import { CaseJournalWriter, readCaseJournal, traceEvidenceSource } from '../../../src/reporting/case-journal.ts';
import { record } from './fixtures.ts';

const work = mkdtempSync(join(tmpdir(), 'case-journal-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let counter = 0;
const fresh = (name: string): string => join(work, `${counter++}-${name}`);

/** An SMP-looking entry: `seq` numbers it, so order and selection can be checked. */
function entry(direction: 'out' | 'in', seq: number): TraceEntry {
  return { direction, atNs: BigInt(seq) * 1_000_000n, hex: `0${direction === 'out' ? 2 : 3}0000050000${seq.toString(16).padStart(2, '0')}00`, decoded: { header: { op: direction === 'out' ? 2 : 3, group: 0, id: 0, seq } } };
}

const convert = (entries: readonly TraceEntry[]): EvidenceItem[] => entries.map((e) => ({ direction: e.direction, atNs: e.atNs.toString(), hex: e.hex, decoded: e.decoded }));
const seqs = (evidence: readonly EvidenceItem[]): number[] => evidence.map((e) => (e.decoded as { header: { seq: number } }).header.seq);
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('traceEvidenceSource', () => {
  it('hands over only what was added since the last call, from the mark on', () => {
    const trace = new TraceLog();
    trace.add(entry('out', 0));
    const take = traceEvidenceSource(trace, trace.mark(), convert, 8);
    expect(take()).toEqual({ evidence: [], skipped: 0 });
    for (const seq of [1, 2, 3]) trace.add(entry('out', seq));
    expect(seqs(take().evidence)).toEqual([1, 2, 3]);
    trace.add(entry('in', 4));
    expect(seqs(take().evidence)).toEqual([4]);
  });

  it('keeps the head whole and, past it, at most the tail of a batch (limit 8: 2 + 6)', () => {
    const trace = new TraceLog();
    const take = traceEvidenceSource(trace, trace.mark(), convert, 8);
    for (let seq = 0; seq < 20; seq++) trace.add(entry('out', seq));
    const first = take();
    expect(seqs(first.evidence)).toEqual([0, 1, 14, 15, 16, 17, 18, 19]);
    expect(first.skipped).toBe(12);
    for (let seq = 20; seq < 30; seq++) trace.add(entry('out', seq));
    const second = take();
    expect(seqs(second.evidence)).toEqual([24, 25, 26, 27, 28, 29]);
    expect(second.skipped).toBe(4);
  });

  it('counts entries the ring buffer overwrote before they were taken as skipped', () => {
    const trace = new TraceLog(4);
    const take = traceEvidenceSource(trace, trace.mark(), convert, 100);
    for (let seq = 0; seq < 10; seq++) trace.add(entry('out', seq));
    const batch = take();
    expect(seqs(batch.evidence)).toEqual([6, 7, 8, 9]);
    expect(batch.skipped).toBe(6);
  });
});

describe('CaseJournalWriter and readCaseJournal', () => {
  it('streams the running case at its interval; a new case replaces the old one, whose late end stops nothing', async () => {
    const path = fresh('smp.case.jsonl');
    const writer = new CaseJournalWriter(path, 20);
    const traceA = new TraceLog();
    const a = writer.begin('CASE-A', 1000, 400, traceEvidenceSource(traceA, traceA.mark(), convert, 400));
    expect(readCaseJournal(path)).toEqual({ id: 'CASE-A', startedAtMs: 1000, lastAtMs: 1000, evidence: [], dropped: 0 });
    traceA.add(entry('out', 1));
    traceA.add(entry('in', 1));
    await wait(120);
    const seenA = readCaseJournal(path)!;
    expect(seenA.id).toBe('CASE-A');
    expect(seqs(seenA.evidence)).toEqual([1, 1]);
    expect(seenA.lastAtMs).toBeGreaterThan(1000);
    // Written once: nothing new, no new line.
    const lines = readFileSync(path, 'utf8').trim().split('\n').length;
    await wait(80);
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(lines);

    const traceB = new TraceLog();
    const b = writer.begin('CASE-B', 2000, 400, traceEvidenceSource(traceB, traceB.mark(), convert, 400));
    traceA.add(entry('out', 99));
    a.end();
    traceB.add(entry('out', 7));
    await wait(120);
    expect(readCaseJournal(path)).toMatchObject({ id: 'CASE-B', startedAtMs: 2000, evidence: [{ direction: 'out', hex: entry('out', 7).hex }], dropped: 0 });
    // The end writes what came since the last write, then nothing more is written.
    traceB.add(entry('in', 7));
    b.end();
    expect(seqs(readCaseJournal(path)!.evidence)).toEqual([7, 7]);
    traceB.add(entry('out', 8));
    await wait(80);
    expect(seqs(readCaseJournal(path)!.evidence)).toEqual([7, 7]);
  });

  it('flush writes at once; the reader keeps the head and the tail within the case\'s limit', () => {
    const path = fresh('smp.case.jsonl');
    const writer = new CaseJournalWriter(path, 60_000);
    const trace = new TraceLog();
    const handle = writer.begin('CASE-C', 5, 8, traceEvidenceSource(trace, trace.mark(), convert, 8));
    for (let batch = 0; batch < 3; batch++) {
      for (let i = 0; i < 4; i++) trace.add(entry('out', batch * 4 + i));
      writer.flush();
    }
    handle.end();
    const read = readCaseJournal(path)!;
    expect(seqs(read.evidence)).toEqual([0, 1, 6, 7, 8, 9, 10, 11]);
    expect(read.dropped).toBe(4);
  });

  it('reads past a torn last line and malformed entries, and returns nothing for a file without a start', () => {
    const path = fresh('smp.case.jsonl');
    const item = { direction: 'out', atNs: '1', hex: '00' };
    writeFileSync(
      path,
      [
        JSON.stringify({ case: 'CASE-D', startedAtMs: 10, limit: 400 }),
        JSON.stringify({ case: 'CASE-D', atMs: 20, evidence: [item, { direction: 'sideways' }, 7], skipped: 0 }),
        JSON.stringify({ case: 'OTHER', atMs: 30, evidence: [item], skipped: 0 }),
        '{"case":"CASE-D","atMs":40,"evid',
      ].join('\n'),
    );
    expect(readCaseJournal(path)).toEqual({ id: 'CASE-D', startedAtMs: 10, lastAtMs: 20, evidence: [item], dropped: 0 });
    writeFileSync(path, `${JSON.stringify({ case: 'CASE-D', atMs: 20, evidence: [item], skipped: 0 })}\n`);
    expect(readCaseJournal(path)).toBeUndefined();
    expect(readCaseJournal(fresh('absent.jsonl'))).toBeUndefined();
  });

  it('a journal it cannot write turns itself off without reaching the case', () => {
    const blocker = fresh('a-file');
    writeFileSync(blocker, '');
    const writer = new CaseJournalWriter(join(blocker, 'smp.case.jsonl'), 10);
    const trace = new TraceLog();
    expect(() => writer.begin('CASE-E', 0, 400, traceEvidenceSource(trace, 0, convert, 400)).end()).not.toThrow();
    expect(() => writer.flush()).not.toThrow();
  });
});

describe('the Allure result of a case the run stopped in', () => {
  const evidence = convert([entry('out', 1), entry('in', 1), entry('out', 2), entry('in', 2), entry('out', 3)]);
  const journaled = { id: 'SMP-OS-ECHO-001', startedAtMs: 50_000, lastAtMs: 50_400, evidence, dropped: 0 };

  it('holds the steps and trace attachments a finished case would, from the journal', () => {
    const dir = fresh('allure');
    const path = writeAllureResultFromRecord(dir, record({ outcome: 'broken', message: 'interrupted by SIGTERM while this case was running' }), { name: 'sim', transport: 'udp' }, 1, journaled);
    const result = JSON.parse(readFileSync(path, 'utf8')) as { status: string; start: number; stop: number; statusDetails: { message: string }; steps: { name: string; status: string; attachments: { source: string }[] }[]; attachments: { name: string; source: string }[] };
    expect(result).toMatchObject({ status: 'broken', start: 50_000, statusDetails: { message: 'interrupted by SIGTERM while this case was running' } });
    expect(result.stop).toBeGreaterThanOrEqual(50_400);
    const expected = evidenceMessages(evidence, 50_000).flatMap((m) => (m.type === 'step_start' ? [m.data.name] : []));
    expect(result.steps.map((s) => s.name)).toEqual(expected);
    expect(result.steps.map((s) => s.name)).toEqual(['#1 group 0 write id 0 seq 1 (8 bytes) → 1 frame(s) back', '#2 group 0 write id 0 seq 2 (8 bytes) → 1 frame(s) back', '#3 group 0 write id 0 seq 3 (8 bytes) → 0 frame(s) back']);
    expect(result.steps.every((s) => s.status === 'passed')).toBe(true);
    expect(result.attachments.map((a) => a.name)).toEqual(['trace (annotated hex)', 'trace (json)']);
    const json = JSON.parse(readFileSync(join(dir, result.attachments[1]!.source), 'utf8')) as { evidence: EvidenceItem[] };
    expect(json.evidence).toEqual(evidence);
    expect(readFileSync(join(dir, result.steps[2]!.attachments[0]!.source), 'utf8')).toContain('>>> out');
    // The result, its 2 trace attachments and one frames attachment per step.
    expect(readdirSync(dir)).toHaveLength(1 + 2 + 3);
  });

  it('writeMissingAllureResults gives the journaled case its evidence and says it was stopped while running', () => {
    const outDir = fresh('out');
    const plan = { key: 'sim-udp', target: { name: 'sim' }, transport: 'udp' } as unknown as TargetRunPlan;
    const writer = new CaseJournalWriter(join(outDir, '.journal', 'sim-udp.case.jsonl'), 60_000);
    const trace = new TraceLog();
    writer.begin('SMP-OS-ECHO-001', 50_000, 400, traceEvidenceSource(trace, 0, convert, 400));
    for (const e of [entry('out', 1), entry('in', 1)]) trace.add(e);
    writer.flush();
    const stopped = record({ outcome: 'broken', message: 'not run: target run timed out after 9 s' });
    const later = record({ id: 'SMP-OS-ECHO-002', outcome: 'broken', message: 'not run: target run timed out after 9 s' });
    writeMissingAllureResults(outDir, plan, [stopped, later]);
    const dir = join(outDir, 'allure-results');
    const results = readdirSync(dir)
      .filter((f) => f.endsWith('-result.json'))
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { testCaseId: string; statusDetails: { message: string }; steps: unknown[] });
    const byId = new Map(results.map((r) => [r.testCaseId, r]));
    expect(byId.get('SMP-OS-ECHO-001')).toMatchObject({ statusDetails: { message: 'stopped while this case was running: target run timed out after 9 s' } });
    expect(byId.get('SMP-OS-ECHO-001')!.steps).toHaveLength(1);
    expect(byId.get('SMP-OS-ECHO-002')).toMatchObject({ statusDetails: { message: 'not run: target run timed out after 9 s' }, steps: [] });
  });
});
