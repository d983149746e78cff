/**
 * Timing against the target's own budgets (targets.json `budgets`, names in src/config/budgets.ts):
 * the protocol sets no response time, so a budget is the target owner's requirement. Every
 * exchange is timed and the figures go into the case log; a target without the budget gets the
 * figures as an informational result, never a failure.
 * @see README.md "targets.json", docs/spec/smp.md §3.1.1, §3.2.1
 */
import { smpRequest, type SmpRequest } from '../../src/codec/smp/command.ts';
import { imgCommands } from '../../src/codec/smp/groups/img.ts';
import { osCommands } from '../../src/codec/smp/groups/os.ts';
import { defineSuite, RttHistograms, timingBudgetFor, type CaseContext, type CommandTiming } from '../../src/conformance/index.ts';

/** Exchanges per case: odd, so the median is one measured value; few enough for a 115200-baud UART. */
const ROUNDS = 11;

/** Round-trip figures of one case, in ms. */
interface RttFigures {
  median: number;
  min: number;
  max: number;
  all: readonly number[];
}

/** Median, min and max of the measured round trips (at least one). */
function rttFigures(rtts: readonly number[]): RttFigures {
  const sorted = [...rtts].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0, all: rtts };
}

const ms = (n: number): string => n.toFixed(1);

/**
 * Record the figures, then hold the median to the target's budget `name`; without that budget
 * the case ends informational with the figures.
 */
function judgeBudget(ctx: CaseContext, name: string, what: string, rtts: readonly number[]): void {
  const f = rttFigures(rtts);
  const figures = `${what}: median ${ms(f.median)} ms over ${f.all.length} exchanges (min ${ms(f.min)}, max ${ms(f.max)})`;
  ctx.log(`${figures}; each: ${f.all.map(ms).join(', ')} ms`);
  const budget = ctx.session.budgets[name];
  if (budget === undefined) {
    ctx.expect.informational(`no "${name}" budget for target ${ctx.session.targetName}; ${figures}`);
    return;
  }
  ctx.expect.that(f.median <= budget, { check: `budget ${name}`, expected: `median round trip ≤ ${budget} ms`, actual: figures });
}

/** Harmless commands timed against per-command budgets (`timing.<command or class>`), with the capability each needs. */
const TIMED_COMMANDS: readonly { name: string; capability: string; request: () => SmpRequest<unknown> }[] = [
  { name: 'smp.os.echo', capability: 'smp.os.echo', request: () => smpRequest(osCommands.echo, { d: 'timing' }) },
  { name: 'smp.os.mcumgrParams', capability: 'smp.os.params', request: () => smpRequest(osCommands.mcumgrParams, {}) },
  { name: 'smp.img.state', capability: 'smp.img.state', request: () => smpRequest(imgCommands.state, {}) },
];

const figuresText = (f: CommandTiming): string => `p50 ${ms(f.p50)} ms, p95 ${ms(f.p95)} ms, max ${ms(f.max)} ms over ${f.count} exchanges`;

/** Hold one command's figures to its percentile budget; true when it had one. */
function judgePercentiles(ctx: CaseContext, command: string, f: CommandTiming): boolean {
  const found = timingBudgetFor(ctx.session.budgets, command);
  if (!found) return false;
  for (const q of ['p50', 'p95', 'max'] as const) {
    const limit = found.budget[q];
    if (limit === undefined) continue;
    ctx.expect.that(f[q] <= limit, { check: `budget timing.${found.pattern}.${q}`, expected: `${command} ${q} ≤ ${limit} ms`, actual: figuresText(f) });
  }
  return true;
}

defineSuite({ id: 'smp/timing', protocol: 'SMP', feature: 'timing', title: 'Round-trip times against the target budgets' }, (s) => {
  s.case({
    id: 'SMP-TIME-ECHO-001',
    title: 'the median echo round trip stays within the target budget smp.echo.rttMs',
    level: 'MUST',
    spec: { doc: 'smp-digest', section: '3.1.1 Echo (0)' },
    stimulus: `${ROUNDS} echoes of a 16-character text, one at a time, each timed from request written to reply decoded.`,
    requirement: 'Every echo answered correctly; the median round trip is at most the target\'s "smp.echo.rttMs" budget (no budget: figures recorded only).',
    requires: ['smp.os.echo'],
    story: 'echo timing',
    async run(ctx) {
      const rtts: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const d = `time-${String(i).padStart(11, '0')}`;
        const reply = await ctx.smp.request(smpRequest(osCommands.echo, { d }));
        ctx.expect.smpOk(reply).field('r').toBe(d);
        rtts.push(reply.rttMs);
      }
      judgeBudget(ctx, 'smp.echo.rttMs', 'echo round trip', rtts);
    },
  });

  s.case({
    id: 'SMP-TIME-IMG-STATE-001',
    title: 'the median image state read round trip stays within the target budget smp.img.state.rttMs',
    level: 'MUST',
    spec: { doc: 'smp-digest', section: '3.2.1 State read (op 0)' },
    stimulus: `${ROUNDS} image state reads, one at a time, each timed from request written to reply decoded.`,
    requirement: 'Every read answered with a success reply; the median round trip is at most the target\'s "smp.img.state.rttMs" budget (no budget: figures recorded only).',
    requires: ['smp.img.state'],
    story: 'image state timing',
    async run(ctx) {
      const rtts: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const reply = await ctx.smp.request(smpRequest(imgCommands.state, {}));
        ctx.expect.smpOk(reply);
        rtts.push(reply.rttMs);
      }
      judgeBudget(ctx, 'smp.img.state.rttMs', 'image state read round trip', rtts);
    },
  });

  s.case({
    id: 'SMP-TIME-CMD-001',
    title: 'per-command round-trip percentiles stay within the target budgets timing.<command>',
    level: 'MUST',
    spec: { doc: 'smp-digest', section: '3.1.1 Echo (0)' },
    stimulus: `${ROUNDS * 2} exchanges each of echo, MCUmgr parameters and image state read (those the target has), one at a time, recorded in an HDR histogram per command.`,
    requirement: 'Every exchange answered with a success reply; p50, p95 and max of each command at most the target\'s "timing" budget for it (exact name, else the longest matching class such as smp.os.*); no budget: figures recorded only.',
    requires: ['smp.os.echo'],
    story: 'command timing',
    async run(ctx) {
      const histograms = new RttHistograms();
      for (const c of TIMED_COMMANDS) {
        if (!ctx.session.capability(c.capability).present) continue;
        for (let i = 0; i < ROUNDS * 2; i++) {
          const reply = await ctx.smp.request(c.request());
          ctx.expect.smpOk(reply);
          histograms.record(c.name, reply.rttMs);
        }
      }
      const judged: string[] = [];
      for (const [command, f] of Object.entries(histograms.figures())) {
        ctx.log(`${command}: ${figuresText(f)}`);
        if (judgePercentiles(ctx, command, f)) judged.push(command);
      }
      if (judged.length === 0) ctx.expect.informational(`no "timing" budget for ${histograms.commands().join(', ')} on target ${ctx.session.targetName}; figures recorded in the log`);
    },
  });

  s.case({
    id: 'SMP-TIME-RESET-001',
    title: 'the device is ready again within the target budget resetToReadyMs after an OS reset',
    level: 'MUST',
    spec: { doc: 'smp-digest', section: '3.1.5 Reset (5)' },
    stimulus: 'OS reset with {}, then SMP requests until the device answers again, timed from the reset reply.',
    requirement: 'Reset answered {}; the device answers again within the target\'s "resetToReadyMs" budget (no budget: the time recorded only).',
    requires: ['smp.os.reset'],
    story: 'reset timing',
    destructive: true,
    timeoutMs: 90_000,
    async run(ctx) {
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(osCommands.reset, {})));
      const started = performance.now();
      ctx.mark('reset');
      await ctx.session.awaitReady();
      const readyMs = performance.now() - started;
      const budget = ctx.session.budgets['resetToReadyMs'];
      const figures = `ready again ${ms(readyMs)} ms after the reset reply`;
      ctx.log(figures);
      if (budget === undefined) return ctx.expect.informational(`no "resetToReadyMs" budget for target ${ctx.session.targetName}; ${figures}`);
      ctx.expect.that(readyMs <= budget, { check: 'budget resetToReadyMs', expected: `ready within ${budget} ms`, actual: figures });
    },
  });
});
