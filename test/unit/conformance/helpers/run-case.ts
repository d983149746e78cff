/**
 * Run a declared case through the kit's runner with a stand-in for vitest's test context, so a
 * test can look at the verdict (meta, thrown error, skip reason, annotations) without failing
 * itself.
 */
import type { TestContext } from 'vitest';
import { initialMeta, runCase } from '../../../../src/conformance/case-runner.ts';
import type { CaseDeclaration, CaseInfo, PropertyDeclaration } from '../../../../src/conformance/declaration.ts';
import type { ConformanceMeta } from '../../../../src/conformance/meta.ts';
import { runPropertyLoop } from '../../../../src/conformance/property-runner.ts';
import { installSessionProvider, type CaseSession } from '../../../../src/conformance/session-port.ts';
import { Session } from '../../../../src/target/session.ts';
import type { RunTarget } from '../../../../src/config/index.ts';
import type { ScriptedDevice } from './scripted-device.ts';

/** What happened to a case. */
export interface CaseRun {
  meta: ConformanceMeta;
  error: Error | undefined;
  skipped: string | undefined;
  annotations: { message: string; type: string | undefined }[];
}

class StubSkip extends Error {}

/** A minimal vitest context: records annotations, throws on skip like vitest does. */
export function stubTestContext(meta: ConformanceMeta): { vctx: TestContext; run: CaseRun } {
  const run: CaseRun = { meta, error: undefined, skipped: undefined, annotations: [] };
  const vctx = {
    task: { meta: { conformance: meta } },
    signal: new AbortController().signal,
    annotate: async (message: string, type?: string) => {
      run.annotations.push({ message, type });
      return { message, type: type ?? 'notice' };
    },
    skip: (reason?: string) => {
      run.skipped = reason ?? '';
      throw new StubSkip(reason);
    },
  } as unknown as TestContext;
  return { vctx, run };
}

/** A case info with defaults for every field a test does not care about. */
export function caseInfo(overrides: Partial<CaseInfo> = {}): CaseInfo {
  return {
    id: 'TEST-KIT-001',
    title: 'a kit test case',
    level: 'MUST',
    spec: { doc: 'smp-digest', section: '3.1.1 Echo (0)' },
    stimulus: 'something',
    requirement: 'something else',
    requires: [],
    story: 'echo',
    ...overrides,
  };
}

const SUITE = { id: 'test/kit', protocol: 'SMP' as const, feature: 'os' };

/** Run an example case with the session provider returning `session` (after `acquireDelayMs`, a slow device start). */
export async function runWith(session: CaseSession | Error, decl: CaseDeclaration, options: { acquireDelayMs?: number; timeoutMs?: number } = {}): Promise<CaseRun> {
  const delay = (): Promise<void> => new Promise((r) => setTimeout(r, options.acquireDelayMs ?? 0));
  installSessionProvider(() => (session instanceof Error ? Promise.reject(session) : options.acquireDelayMs === undefined ? Promise.resolve(session) : delay().then(() => session)));
  const { vctx, run } = stubTestContext(initialMeta(decl, SUITE, 'case', 'https://example.invalid/spec'));
  try {
    await runCase(decl, decl.level, run.meta, vctx, async (ctx) => decl.run(ctx), options.timeoutMs);
  } catch (e) {
    if (!(e instanceof StubSkip)) run.error = e as Error;
  } finally {
    installSessionProvider(undefined);
  }
  return run;
}

/** Run a property case the same way. */
export async function runPropertyWith<T>(session: CaseSession, decl: PropertyDeclaration<T>, replay?: string): Promise<CaseRun> {
  installSessionProvider(() => Promise.resolve(session));
  const { vctx, run } = stubTestContext(initialMeta(decl, SUITE, 'property', ''));
  try {
    await runCase(decl, decl.level, run.meta, vctx, (ctx) => runPropertyLoop(decl, ctx, run.meta, replay === undefined ? {} : { replay }));
  } catch (e) {
    if (!(e instanceof StubSkip)) run.error = e as Error;
  } finally {
    installSessionProvider(undefined);
  }
  return run;
}

/** A resolved target for tests, reached through an injected transport. */
export function testTarget(overrides: Partial<RunTarget> = {}): RunTarget {
  return {
    name: 'scripted',
    kind: 'udp',
    smp: 'udp://127.0.0.1:9',
    transport: 'udp',
    capabilities: [],
    timeoutMs: 300,
    strict: false,
    seed: 42,
    faults: [],
    allowDestructive: true,
    readyTimeoutMs: 1500,
    budgets: {},
    listening: {},
    ...overrides,
  };
}

/** Open a real Session over a scripted device. */
export function sessionOver(dev: ScriptedDevice, overrides: Partial<RunTarget> = {}): Promise<Session> {
  return Session.open(testTarget(overrides), { transport: dev.transport, transportKind: 'udp' });
}
