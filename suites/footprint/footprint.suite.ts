/**
 * Build footprint against the target's own budgets: ROM and RAM totals, each subsystem (MCUmgr and
 * its groups, SMP transports, zcbor, the LwM2M engine, net stack, kernel, …) and the growth
 * against a baseline build, read from the target's size reports or ELF file (targets.json `build`,
 * `baseline`, `budgets.footprint`). No protocol sets a size: a budget is the target owner's
 * requirement; without one the figures are recorded (informational). A target that names no
 * build outputs cannot be judged: the cases are unsupported.
 * @see docs/spec/smp.md, README.md "Real targets"
 */
import {
  compareFootprints, evaluateFootprintBudget, formatFootprintTable, growthOf, type BudgetVerdict, type FootprintBuild, type MemoryKind,
} from '../../src/codec/footprint/index.ts';
import {
  defineSuite, footprintBudgetOf, loadBaselineBuild, loadTargetBuild, targetFootprintInputs, type CaseContext,
} from '../../src/conformance/index.ts';

const SPEC = { doc: 'zephyr-footprint-tools', section: 'Build Target: rom_report' } as const;

/** The target's build, or the case ends unsupported when it names none. */
async function targetBuild(ctx: CaseContext): Promise<FootprintBuild> {
  const inputs = targetFootprintInputs();
  if (!inputs.build) ctx.skip(`target ${inputs.name} names no build outputs (targets.json "build": {"dir" | "romReport" | "ramReport" | "elf"})`);
  const notes: string[] = [];
  const build = await loadTargetBuild(inputs.name, inputs.build, notes);
  for (const n of notes) ctx.log(`size report note: ${n}`);
  ctx.log(formatFootprintTable([build]));
  return build;
}

/** Judge a budget verdict: every finding in the log, each line a check. */
function judgeVerdict(ctx: CaseContext, verdict: BudgetVerdict): void {
  for (const f of verdict.findings) {
    ctx.expect.that(f.status === 'pass', { check: `footprint ${f.scope} ${f.memory.toUpperCase()}`, expected: `at most ${f.limitBytes} bytes`, actual: f.message });
  }
}

defineSuite({ id: 'footprint/build', protocol: 'SMP', feature: 'footprint', title: 'Build footprint against the target budgets' }, (s) => {
  s.case({
    id: 'FOOT-TOTAL-001',
    title: 'the build ROM and RAM totals stay within the target budget',
    level: 'MUST',
    spec: SPEC,
    stimulus: 'Read the target\'s size reports (or ELF file) named in targets.json "build".',
    requirement: 'Device ROM at most budgets.footprint.romBytes, RAM at most budgets.footprint.ramBytes (emulated memory left out); no budget: figures recorded only.',
    requires: [],
    story: 'footprint totals',
    async run(ctx) {
      const build = await targetBuild(ctx);
      const budget = footprintBudgetOf(ctx.session.budgets);
      const totals = { ...(budget?.romBytes !== undefined ? { romBytes: budget.romBytes } : {}), ...(budget?.ramBytes !== undefined ? { ramBytes: budget.ramBytes } : {}) };
      const figures = `ROM ${build.rom?.deviceBytes ?? '?'} bytes, RAM ${build.ram?.deviceBytes ?? '?'} bytes`;
      if (Object.keys(totals).length === 0) return ctx.expect.informational(`no footprint total budget for target ${ctx.session.targetName}; ${figures}`);
      judgeVerdict(ctx, evaluateFootprintBudget(build, totals));
    },
  });

  s.case({
    id: 'FOOT-SUBSYS-001',
    title: 'each budgeted subsystem stays within its ROM and RAM budget',
    level: 'MUST',
    spec: SPEC,
    stimulus: 'Attribute the build\'s symbols to subsystems by path and symbol name.',
    requirement: 'Every subsystem in budgets.footprint.subsystems at most its romBytes / ramBytes; no subsystem budget: the split recorded only.',
    requires: [],
    story: 'footprint per subsystem',
    async run(ctx) {
      const build = await targetBuild(ctx);
      const subsystems = footprintBudgetOf(ctx.session.budgets)?.subsystems;
      if (subsystems === undefined) return ctx.expect.informational(`no subsystem budget for target ${ctx.session.targetName}; split recorded in the log`);
      judgeVerdict(ctx, evaluateFootprintBudget(build, { subsystems }));
    },
  });

  s.case({
    id: 'FOOT-GROWTH-001',
    title: 'the build grows at most the budgeted bytes against the baseline build',
    level: 'MUST',
    spec: SPEC,
    stimulus: 'Compare the build with the baseline size reports named in targets.json "baseline", per subsystem and in total.',
    requirement: 'Total ROM / RAM growth at most budgets.footprint.growthBytes; no growth budget: the growth per subsystem recorded only.',
    requires: [],
    story: 'footprint growth',
    async run(ctx) {
      const build = await targetBuild(ctx);
      const { name, baseline } = targetFootprintInputs();
      if (!baseline) return ctx.skip(`target ${name} names no baseline (targets.json "baseline": {"romReport", "ramReport"})`);
      const growth = compareFootprints(await loadBaselineBuild('baseline', baseline), build);
      for (const r of growth.rows.filter((r) => r.deltaBytes !== 0)) ctx.log(`${r.memory.toUpperCase()} ${r.scope}: ${r.baseBytes} → ${r.otherBytes} bytes (${r.deltaBytes >= 0 ? '+' : ''}${r.deltaBytes})`);
      const limits: [MemoryKind, number | undefined][] = [
        ['rom', ctx.session.budgets['footprint.growthBytes.romBytes']],
        ['ram', ctx.session.budgets['footprint.growthBytes.ramBytes']],
      ];
      if (limits.every(([, l]) => l === undefined)) return ctx.expect.informational(`no growth budget for target ${ctx.session.targetName}; growth per subsystem recorded in the log`);
      for (const [memory, limit] of limits) {
        if (limit === undefined) continue;
        const total = growthOf(growth, 'total', memory);
        ctx.expect.that(total !== undefined && total.deltaBytes <= limit, {
          check: `footprint growth ${memory.toUpperCase()}`,
          expected: `at most ${limit} bytes more than the baseline`,
          actual: total ? `${total.baseBytes} → ${total.otherBytes} bytes (${total.deltaBytes >= 0 ? '+' : ''}${total.deltaBytes})` : `no ${memory.toUpperCase()} report in both builds`,
        });
      }
    },
  });
});
