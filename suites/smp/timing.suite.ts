/**
 * Timing against the target's own budgets (targets.json `budgets`, names in src/config/budgets.ts):
 * the protocol sets no response time, so a budget is the target owner's requirement. Every
 * exchange is timed and the figures go into the case log; a target without the budget gets the
 * figures as an informational result, never a failure.
 * @see README.md "targets.json", /work/shared/spec/smp.md §3.1.1, §3.2.1
 */
import { smpRequest } from '../../src/codec/smp/command.ts';
import { imgCommands } from '../../src/codec/smp/groups/img.ts';
import { osCommands } from '../../src/codec/smp/groups/os.ts';
import { defineSuite, type CaseContext } from '../../src/conformance/index.ts';

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
});
