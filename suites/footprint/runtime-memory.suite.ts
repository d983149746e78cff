/**
 * Runtime memory against the target's budgets (targets.json `budgets.memory`): peak stack use of
 * every thread from OS task statistics, peak use of every memory pool from OS memory-pool
 * statistics. The figures are the device's own (words × 4 bytes for taskstat); without a budget
 * they are recorded (informational).
 * @see docs/spec/smp.md §3.1.2, §3.1.3
 */
import { smpRequest } from '../../src/codec/smp/command.ts';
import { osCommands } from '../../src/codec/smp/groups/os.ts';
import { evaluateRuntimeMemory, poolsFromMpstat, threadStacksFromTaskstat, type RuntimeFinding } from '../../src/codec/footprint/index.ts';
import { defineSuite, type CaseContext } from '../../src/conformance/index.ts';

/** Judge findings: a figure over budget fails, a missing figure (no stkuse reported) fails too: the budget cannot be shown met. */
function judge(ctx: CaseContext, findings: readonly RuntimeFinding[], what: string): void {
  for (const f of findings) ctx.expect.that(f.status === 'pass', { check: `${what} ${f.scope}`, expected: 'within the budget', actual: f.message });
}

defineSuite({ id: 'footprint/runtime', protocol: 'SMP', feature: 'footprint', title: 'Runtime memory against the target budgets' }, (s) => {
  s.case({
    id: 'FOOT-STACK-001',
    title: 'no thread uses more of its stack than the target budget memory.maxStackUsePercent',
    level: 'MUST',
    spec: { doc: 'smp-digest', section: '3.1.2 Task statistics (2)' },
    stimulus: 'Task statistics (op 0); stack size and peak use per thread (stksiz, stkuse, in 4-byte words).',
    requirement: 'Every thread\'s peak stack use at most budgets.memory.maxStackUsePercent of its stack; no budget: figures recorded only.',
    requires: ['smp.os.taskstat'],
    story: 'runtime memory',
    async run(ctx) {
      const rsp = ctx.expect.smpOk(await ctx.smp.request(smpRequest(osCommands.taskstat, {})));
      const stacks = threadStacksFromTaskstat(rsp);
      for (const t of stacks) ctx.log(`${t.thread}: stack ${t.stackBytes} bytes, peak use ${t.usedBytes ?? '?'} bytes${t.usedPercent !== undefined ? ` (${t.usedPercent} %)` : ''}`);
      const limit = ctx.session.budgets['memory.maxStackUsePercent'];
      if (limit === undefined) return ctx.expect.informational(`no "memory.maxStackUsePercent" budget for target ${ctx.session.targetName}; ${stacks.length} thread stacks recorded`);
      judge(ctx, evaluateRuntimeMemory({ stacks }, { maxStackUsePercent: limit }).findings, 'stack');
    },
  });

  s.case({
    id: 'FOOT-POOL-001',
    title: 'no memory pool peaks above the target budget memory.maxPoolPeakPercent',
    level: 'MUST',
    spec: { doc: 'smp-digest', section: '3.1.3 Memory-pool statistics (3)' },
    stimulus: 'Memory pool statistics (op 0): blocks and least free blocks per pool.',
    requirement: 'Every pool\'s peak use at most budgets.memory.maxPoolPeakPercent of its blocks; no budget: figures recorded only.',
    requires: ['smp.os.mpstat'],
    story: 'runtime memory',
    async run(ctx) {
      const rsp = ctx.expect.smpOk(await ctx.smp.request(smpRequest(osCommands.mpstat, {})));
      const pools = poolsFromMpstat(rsp);
      for (const p of pools) ctx.log(`${p.pool}: ${p.blocks} blocks of ${p.blockBytes} bytes, least free ${p.minFreeBlocks} (peak ${p.peakUsedPercent} %)`);
      const limit = ctx.session.budgets['memory.maxPoolPeakPercent'];
      if (limit === undefined) return ctx.expect.informational(`no "memory.maxPoolPeakPercent" budget for target ${ctx.session.targetName}; ${pools.length} pools recorded`);
      judge(ctx, evaluateRuntimeMemory({ pools }, { maxPoolPeakPercent: limit }).findings, 'pool');
    },
  });
});
