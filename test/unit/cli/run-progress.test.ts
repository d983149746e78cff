/**
 * The progress display: which mode an output gets, the plain line per case with the per-target
 * count, the live block redrawn in place with failing cases printed above it, and the case event
 * lines a target-run process prints for its parent.
 */
import { describe, expect, it } from 'vitest';
import { CASE_EVENT_PREFIX, caseEventLine, parseCaseEvent, progressMode, RunProgress } from '../../../src/cli/run-progress.ts';

describe('progress', () => {
  it('is live only on a terminal outside CI', () => {
    expect(progressMode({ isJson: false, isTty: true, env: {} })).toBe('tty');
    expect(progressMode({ isJson: false, isTty: true, env: { CI: 'true' } })).toBe('plain');
    expect(progressMode({ isJson: false, isTty: true, env: { CI: 'false' } })).toBe('tty');
    expect(progressMode({ isJson: false, isTty: true, env: { TERM: 'dumb' } })).toBe('plain');
    expect(progressMode({ isJson: false, isTty: false, env: {} })).toBe('plain');
    expect(progressMode({ isJson: true, isTty: true, env: {} })).toBe('off');
  });

  it('prints a plain line per case with done/total and failures so far, per target', () => {
    let out = '';
    const p = new RunProgress('plain', [{ key: 'sim-udp', total: 3 }, { key: 'sim-serial', total: 12 }], (t) => (out += t));
    p.caseDone('sim-udp', { id: 'A-1', title: 'one', outcome: 'fail' });
    p.caseDone('sim-serial', { id: 'B-1', title: 'two', outcome: 'pass', flaky: true });
    p.caseDone('sim-udp', { id: 'A-2', title: 'three', outcome: 'broken' });
    expect(out.split('\n')).toEqual([
      '  fail          sim-udp  [1/3, 1 failing]  A-1  one',
      '  pass          sim-serial  [ 1/12, 0 failing]  B-1  two  (flaky: passed on a retry)',
      '  broken        sim-udp  [2/3, 2 failing]  A-2  three',
      '',
    ]);
  });

  it('redraws the live block in place and prints failing cases above it', () => {
    let out = '';
    const p = new RunProgress('tty', [{ key: 'a', total: 2 }, { key: 'bb', total: 10 }], (t) => (out += t));
    p.started('a');
    expect(out).toBe('  a    0/2 cases  0 failed  0 broken  running\n  bb   0/10 cases  0 failed  0 broken  waiting\n');
    out = '';
    p.caseDone('a', { id: 'A-1', title: 'one', outcome: 'fail' });
    // Up over the two lines, clear, the failing case, then the block again.
    expect(out).toBe('\x1b[2A\r\x1b[J  fail          a  A-1  one\n  a    1/2 cases  1 failed  0 broken  running\n  bb   0/10 cases  0 failed  0 broken  waiting\n');
    out = '';
    p.finished('a');
    expect(out).toContain('  a    1/2 cases  1 failed  0 broken  done\n');
    p.stop();
  });

  it('case events survive the trip through a child process\'s stdout; other lines are not events', () => {
    const line = caseEventLine({ id: 'X-1', title: 't "q"', outcome: 'nonStrict', flaky: true });
    expect(parseCaseEvent(line.trimEnd())).toEqual({ id: 'X-1', title: 't "q"', outcome: 'nonStrict', flaky: true });
    expect(parseCaseEvent('  pass  sim-udp  X-1  t')).toBeUndefined();
    expect(parseCaseEvent(`${CASE_EVENT_PREFIX}{"id":1}`)).toBeUndefined();
    expect(parseCaseEvent(`${CASE_EVENT_PREFIX}{"id":"X","title":"t","outcome":"maybe"}`)).toBeUndefined();
  });
});
