import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { smpRequest } from '../../../src/codec/smp/command.ts';
import { osCommands } from '../../../src/codec/smp/groups/os.ts';
import type { CaseContext, CaseDeclaration } from '../../../src/conformance/declaration.ts';
import { CaseBrokenError, ConformanceAssertionError } from '../../../src/conformance/errors.ts';
import { TransportError } from '../../../src/errors.ts';
import type { Session } from '../../../src/target/session.ts';
import { caseInfo, runWith, sessionOver } from './helpers/run-case.ts';
import { startScriptedDevice, type ScriptedDevice } from './helpers/scripted-device.ts';

let dev: ScriptedDevice;
let session: Session;

beforeEach(async () => {
  dev = startScriptedDevice();
  session = await sessionOver(dev);
});

afterEach(async () => {
  await session.close();
  await dev.close();
});

async function echo({ smp, expect: v }: CaseContext): Promise<void> {
  v.smpOk(await smp.request(smpRequest(osCommands.echo, { d: 'abc' }))).field('r').toBe('abc');
}

function decl(overrides: Partial<CaseDeclaration> = {}): CaseDeclaration {
  return { ...caseInfo(), run: echo, ...overrides };
}

describe('outcome classes', () => {
  it('pass: a conforming answer; evidence holds the frames of this case only', async () => {
    const run = await runWith(session, decl());
    expect(run.error).toBeUndefined();
    expect(run.meta).toMatchObject({ outcome: 'pass', message: '', target: 'scripted', transport: 'udp', strict: false });
    expect(run.meta.evidence.map((e) => e.direction)).toEqual(['out', 'in']);
    expect(run.meta.evidence[0]?.hex).toMatch(/^0a00/);
    expect(typeof run.meta.evidence[0]?.atNs).toBe('string');
    expect(run.meta.durationMs).toBeGreaterThan(0);
  });

  it('a case still running at its timeout ends broken with the frames it had exchanged, its signal aborted', async () => {
    let signal: AbortSignal | undefined;
    const hangs = async (ctx: CaseContext): Promise<void> => {
      signal = ctx.signal;
      await echo(ctx);
      await new Promise(() => undefined);
    };
    const startedMs = Date.now();
    const run = await runWith(session, decl({ run: hangs }), { timeoutMs: 300 });
    expect(Date.now() - startedMs).toBeLessThan(5_000);
    expect(run.error).toBeInstanceOf(CaseBrokenError);
    expect(run.meta).toMatchObject({ outcome: 'broken', message: 'the case did not finish within its timeout of 0.3 s' });
    expect(run.meta.evidence.map((e) => e.direction)).toEqual(['out', 'in']);
    expect(signal?.aborted).toBe(true);
  });

  it('a case that ends before its timeout keeps its own verdict', async () => {
    const run = await runWith(session, decl(), { timeoutMs: 5_000 });
    expect(run.meta.outcome).toBe('pass');
  });

  it('the duration starts once the session is there: a first case does not carry the device start', async () => {
    const run = await runWith(session, decl(), { acquireDelayMs: 500 });
    expect(run.meta.outcome).toBe('pass');
    expect(run.meta.durationMs).toBeLessThan(400);
  });

  it('fail: a wrong answer to a MUST throws a failure whose message says "assert"', async () => {
    dev.echoFault = 'wrong-r';
    const run = await runWith(session, decl());
    expect(run.error).toBeInstanceOf(ConformanceAssertionError);
    expect(run.error?.message).toMatch(/assert/);
    expect(run.meta.outcome).toBe('fail');
    expect(run.meta.message).toBe('assertion failed: TEST-KIT-001 (field "r"): expected "r": "abc", got "r": "abc!"');
  });

  it('fail: no answer where one is required is a device defect, not harness trouble', async () => {
    dev.echoFault = 'silent';
    const run = await runWith(session, decl());
    expect(run.error).toBeInstanceOf(ConformanceAssertionError);
    expect(run.meta.outcome).toBe('fail');
    expect(run.meta.message).toContain('no response to os.echo');
    expect(run.meta.evidence.some((e) => e.note === 'timeout')).toBe(true);
  });

  it('nonStrict: a SHOULD violated passes with a warning annotation', async () => {
    dev.echoFault = 'wrong-r';
    const run = await runWith(session, decl({ level: 'SHOULD' }));
    expect(run.error).toBeUndefined();
    expect(run.meta.outcome).toBe('nonStrict');
    expect(run.annotations.map((a) => a.type)).toEqual(['nonStrict']);
  });

  it('nonStrict becomes fail in strict mode', async () => {
    const strict = await sessionOver(dev, { strict: true, name: 'strict' });
    dev.echoFault = 'wrong-r';
    const run = await runWith(strict, decl({ level: 'SHOULD' }));
    await strict.close();
    expect(run.error).toBeInstanceOf(ConformanceAssertionError);
    expect(run.meta).toMatchObject({ outcome: 'fail', strict: true });
  });

  it('a warn() in a MUST case is non-strict, and fails in strict mode', async () => {
    const warned = decl({ run: (ctx) => void ctx.expect.warn(false, 'reply took the long way') });
    const lax = await runWith(session, warned);
    expect(lax.meta).toMatchObject({ outcome: 'nonStrict', message: 'reply took the long way', warnings: ['reply took the long way'] });
    expect(lax.annotations[0]).toEqual({ message: 'reply took the long way', type: 'warning' });
    const strict = await sessionOver(dev, { strict: true, name: 'strict' });
    const hard = await runWith(strict, warned);
    await strict.close();
    expect(hard.error?.message).toContain('assertion failed: TEST-KIT-001 (strict mode)');
    expect(hard.meta.outcome).toBe('fail');
  });

  it('informational: a MAY case never fails, whatever the answer', async () => {
    dev.echoFault = 'rc3';
    const run = await runWith(session, decl({ level: 'MAY' }));
    expect(run.error).toBeUndefined();
    expect(run.meta.outcome).toBe('informational');
    expect(run.meta.message).toContain('rc 3 (MGMT_ERR_EINVAL)');
  });

  it('the state afterwards fails even a SHOULD case when the device stops answering', async () => {
    const dying = decl({
      level: 'SHOULD',
      async run(ctx) {
        await echo(ctx);
        dev.isUp = false;
        await ctx.expect.alive();
      },
    });
    const run = await runWith(session, dying);
    expect(run.error).toBeInstanceOf(ConformanceAssertionError);
    expect(run.meta.outcome).toBe('fail');
    expect(run.meta.message).toContain('(state afterwards)');
  });

  it('ready(): a device that does not come back fails the case whatever its level', async () => {
    const back = await runWith(session, decl({ level: 'MAY', run: async (ctx) => void (await ctx.expect.ready(500)) }));
    expect(back.meta.outcome).toBe('informational');
    const gone = await runWith(session, decl({ level: 'MAY', run: async (ctx) => { dev.isUp = false; await ctx.expect.ready(300); } }));
    expect(gone.error).toBeInstanceOf(ConformanceAssertionError);
    expect(gone.meta.message).toContain('(state afterwards): expected the device answers again, got no answer from');
  });

  it('unsupported: a missing capability skips with the reason discovery found', async () => {
    let ran = false;
    const run = await runWith(session, decl({ requires: ['smp.os.echo', 'smp.os.taskstat'], run: () => void (ran = true) }));
    expect(ran).toBe(false);
    expect(run.error).toBeUndefined();
    expect(run.skipped).toBe('target scripted lacks smp.os.taskstat (os taskstat answered rc 8 (MGMT_ERR_ENOTSUP))');
    expect(run.meta).toMatchObject({ outcome: 'unsupported', message: run.skipped });
    expect(run.meta.evidence).toEqual([]);
  });

  it('unsupported: a declared capability the device lacks points to SMP-CAP-DECLARED-001', async () => {
    const declared = await sessionOver(dev, { capabilities: ['smp.os.taskstat'], name: 'declared' });
    const run = await runWith(declared, decl({ requires: ['smp.os.taskstat'] }));
    await declared.close();
    expect(run.skipped).toContain('declared in targets.json but not found');
    expect(run.skipped).toContain('SMP-CAP-DECLARED-001');
  });

  it('unsupported: ctx.skip, transport limits, destructive cases and unknown capability names', async () => {
    expect((await runWith(session, decl({ run: (ctx) => ctx.skip('no slot 1 here') }))).skipped).toBe('no slot 1 here');
    expect((await runWith(session, decl({ transports: ['serial'] }))).skipped).toBe('runs only over serial; target scripted uses udp');
    expect((await runWith(session, decl({ requires: ['smp.os.ecoh'] }))).skipped).toContain('not a capability name the harness knows');
    const careful = await sessionOver(dev, { allowDestructive: false, name: 'careful' });
    const run = await runWith(careful, decl({ destructive: true }));
    await careful.close();
    expect(run.skipped).toContain('does not allow destructive cases');
  });

  it('broken: an unreachable target breaks the case without the word "assert"', async () => {
    const run = await runWith(new TransportError('no answer from udp://127.0.0.1:9 within 1500 ms'), decl());
    expect(run.error).toBeInstanceOf(CaseBrokenError);
    expect(run.error?.message).toBe('target unavailable: no answer from udp://127.0.0.1:9 within 1500 ms');
    expect(run.meta).toMatchObject({ outcome: 'broken', target: '' });
  });

  it('broken: a harness exception is scrubbed of "assert" so Allure does not call it a device failure', async () => {
    const run = await runWith(session, decl({ run: () => { throw new TypeError('Assertion helper crashed: cannot read x'); } }));
    expect(run.error).toBeInstanceOf(CaseBrokenError);
    expect(run.error?.message).not.toMatch(/assert/i);
    expect(run.error?.name).not.toMatch(/assert/i);
    expect(run.meta).toMatchObject({ outcome: 'broken', message: 'TypeError: Checkion helper crashed: cannot read x' });
  });
});

describe('a device that answers, but not to the request', () => {
  it('still gets a session (capabilities assumed, problem recorded), and its cases fail with the stray frame', async () => {
    const bad = startScriptedDevice();
    bad.isSeqOff = true;
    const s = await sessionOver(bad, { name: 'seq-off', timeoutMs: 150, readyTimeoutMs: 1000 });
    try {
      expect(s.discoveryProblem).toContain('seq');
      expect(s.capability('smp.os.echo')).toMatchObject({ present: true });
      expect(s.capability('smp.os.echo').reason).toMatch(/^assumed present: the device answered with a packet with op 1, group 0, id 6, seq \d+/);
      const run = await runWith(s, decl());
      expect(run.meta.outcome).toBe('fail');
      expect(run.error?.message).toContain('1 packet(s) arrived that answer no request');
      expect(run.error?.message).toContain('Frame:');
    } finally {
      await s.close();
      await bad.close();
    }
  });
});

describe('raw exchange and silence', () => {
  it('judges a raw request\'s reply with the same verifiers', async () => {
    const run = await runWith(session, decl({
      async run({ exchange, expect: v }) {
        // v2 echo {"d": 5}: a uint where text is required.
        v.mgmtErr(await exchange(Uint8Array.from([0x0a, 0, 0, 4, 0, 0, 0x33, 0, 0xa1, 0x61, 0x64, 0x05])), { rc: 3 });
      },
    }));
    expect(run.meta.outcome).toBe('pass');
  });

  it('silence fails when an answer comes and passes when none does', async () => {
    const send = ({ smp }: CaseContext) => () => smp.sendRaw(smp.trace.entries.length >= 0 ? Uint8Array.from([0x0a, 0, 0, 4, 0, 0, 0x34, 0, 0xa1, 0x61, 0x64, 0x60]) : new Uint8Array());
    const loud = await runWith(session, decl({ run: (ctx) => ctx.expect.silence(100, { send: send(ctx) }) }));
    expect(loud.meta.outcome).toBe('fail');
    expect(loud.meta.message).toContain('(silence): expected no answer within 100 ms, got 1 packet(s)');
    dev.echoFault = 'silent';
    const quiet = await runWith(session, decl({ run: (ctx) => ctx.expect.silence(100, { send: send(ctx) }) }));
    expect(quiet.meta.outcome).toBe('pass');
  });
});
