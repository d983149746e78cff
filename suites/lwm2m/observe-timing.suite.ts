/**
 * Notification timing: periodic notifications no later than pmax, changes no earlier than pmin,
 * gt/lt/st deciding which changes are notified, every deviation measured into the evidence and
 * the lateness held to the target budget `timing.lwm2m.notify`.
 * @see docs/spec/lwm2m.md §2.6, §2.5; RFC 7641 §4.2
 */
import { ContentFormat } from '../../src/codec/coap/content-format.ts';
import { defineSuite, type CaseContext } from '../../src/conformance/index.ts';
import { restoreText, sleep, utf8 } from './support/lwm2m-data.ts';
import { notificationsAfter, withObservation, type Observation } from './support/observe-helpers.ts';
import { judgeTimingBudget } from './support/timing-budget.ts';

const msSince = (atNs: bigint, fromNs: bigint): number => Number(atNs - fromNs) / 1e6;
/** How late a notification may come after pmax (scheduling and a loaded host), ms. */
const LATE_TOLERANCE_MS = 500;
/** How early a change notification may come before pmin (clock granularity), ms. */
const EARLY_TOLERANCE_MS = 100;
const INFO_SECTION = '2.6 Information Reporting';
/** A writable integer resource every client has: Server Default Maximum Period. */
const NUMERIC_PATH = '/1/0/3';

/** Write an integer to NUMERIC_PATH as text and require 2.04. */
async function writeNumber(ctx: CaseContext, value: number): Promise<void> {
  ctx.expect.coapCode(await ctx.lwm2m.server.write(ctx.lwm2m.endpoint, NUMERIC_PATH, { format: ContentFormat.TEXT_PLAIN, payload: utf8(String(value)) }), '2.04');
}

/** The text value of NUMERIC_PATH (to restore it afterwards). */
async function readText(ctx: CaseContext): Promise<string> {
  return new TextDecoder().decode((await ctx.lwm2m.server.read(ctx.lwm2m.endpoint, NUMERIC_PATH, { accept: ContentFormat.TEXT_PLAIN })).payload);
}

/**
 * Value-attribute check on NUMERIC_PATH: start at 40, observe with `attributes` (pmax 60, so no
 * periodic notification interferes), write `quiet` (must not be notified within 800 ms), then
 * `notified` (must be notified within 1.5 s). Restores the value.
 */
async function valueAttributeCase(ctx: CaseContext, attributes: string[], quiet: number, notified: number): Promise<void> {
  const old = await readText(ctx);
  try {
    await writeNumber(ctx, 40);
    await withObservation(ctx.lwm2m, NUMERIC_PATH, [...attributes, 'pmax=60'], async (o: Observation) => {
      await writeNumber(ctx, quiet);
      const early = await notificationsAfter(ctx.lwm2m, o, 800);
      ctx.expect.that(early === 0, { check: `no notification for 40 → ${quiet}`, expected: `${attributes.join(', ')}: the change 40 → ${quiet} is not notified`, actual: `${early} notification(s) within 800 ms` });
      const writtenAt = process.hrtime.bigint();
      await writeNumber(ctx, notified);
      const n = await o.next(1500).catch(() => undefined);
      ctx.expect.that(n !== undefined, { check: `notification for ${quiet} → ${notified}`, expected: `${attributes.join(', ')}: the change to ${notified} notified within 1.5 s`, actual: 'no notification' });
      if (n) ctx.log(`change to ${notified} notified ${Math.round(msSince(n.atNs, writtenAt))} ms after the write`);
    });
  } finally {
    await restoreText(ctx.lwm2m, NUMERIC_PATH, old);
  }
}

const GT_QUOTE = 'gt=4200, pmax=4: crossing from 4100 to 4400 reported immediately; 4400→4300 (still above) only at pmax; crossing down to 4100 reported immediately.';

/** gt, lt and st: a change the attribute holds back, then one it lets through. */
const VALUE_ATTRIBUTE_CASES = [
  { id: 'LWM2M-INFO-GT-001', title: 'with gt set, only a change crossing the threshold is notified', quote: GT_QUOTE, attribute: 'gt=50', quiet: 45, why: 'no crossing of 50', notified: 60 },
  { id: 'LWM2M-INFO-LT-001', title: 'with lt set, only a change crossing the threshold is notified', quote: GT_QUOTE, attribute: 'lt=30', quiet: 35, why: 'no crossing of 30', notified: 20 },
  {
    id: 'LWM2M-INFO-ST-001', title: 'with st set, only a change of at least st since the last notification is notified',
    quote: 'st=200, pmax=4: change 3000→3100 only reported at pmax (~4 s); 3100→3500 reported immediately.', attribute: 'st=10', quiet: 45, why: 'step 5 from 40', notified: 52,
  },
] as const;

defineSuite({ id: 'lwm2m/observe-timing', protocol: 'LwM2M', feature: 'information reporting', title: 'LwM2M notification timing and attributes' }, (s) => {
  s.case({
    id: 'LWM2M-INFO-PMAX-001',
    title: 'with nothing changing, notifications come every pmax, no later than pmax + 0.5 s',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: INFO_SECTION, quote: 'then, with no change, another ≈ 10 s after that (pmax).' },
    stimulus: 'PUT /3/0/9?pmin=0&pmax=1, observe /3/0/9, take three notifications; remove the attributes, cancel.',
    requirement: `Each notification ${LATE_TOLERANCE_MS} ms or less after pmax (1 s) from the previous one (or the Observe answer); each deviation from pmax recorded; the lateness held to the target budget timing.lwm2m.notify.`,
    requires: ['lwm2m', 'lwm2m.obj.3'],
    story: 'pmax',
    timeoutMs: 20_000,
    async run(ctx) {
      const lateness: number[] = [];
      await withObservation(ctx.lwm2m, '/3/0/9', ['pmin=0', 'pmax=1'], async (o) => {
        let last = o.first.outcome.receivedAtNs;
        for (let i = 1; i <= 3; i++) {
          const n = await o.next(1000 + LATE_TOLERANCE_MS + 2000);
          const interval = msSince(n.atNs, last);
          last = n.atNs;
          lateness.push(Math.max(0, interval - 1000));
          ctx.log(`notification ${i}: ${Math.round(interval)} ms after the previous one (pmax deviation ${Math.round(interval - 1000)} ms)`);
          ctx.expect.timing(`notification ${i} after the previous one`, interval, { minMs: 0, maxMs: 1000 + LATE_TOLERANCE_MS });
        }
      });
      judgeTimingBudget(ctx, 'lwm2m.notify', lateness, 'lateness after pmax');
    },
  });

  s.case({
    id: 'LWM2M-INFO-PMIN-001',
    title: 'a value changing every 200 ms is notified no more often than pmin',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: INFO_SECTION, quote: 'change again immediately → next notification ≈ 5 s later (±0.5 s)' },
    stimulus: `PUT ${NUMERIC_PATH}?pmin=1&pmax=60, observe it, write a new value every 200 ms for 2.4 s; take two notifications; restore value and attributes, cancel.`,
    requirement: `Each notification at least pmin (1 s, ${EARLY_TOLERANCE_MS} ms tolerance) after the previous one (or the Observe answer), and no later than pmin + 1 s while a change is pending; each deviation from pmin recorded.`,
    requires: ['lwm2m', 'lwm2m.obj.1'],
    story: 'pmin',
    timeoutMs: 20_000,
    async run(ctx) {
      const old = await readText(ctx);
      try {
        await withObservation(ctx.lwm2m, NUMERIC_PATH, ['pmin=1', 'pmax=60'], async (o) => {
          let value = 70;
          // Stopped as soon as the case ends, pass or fail: no write may spill into the next case.
          let isWriting = true;
          const writer = (async () => {
            for (let i = 0; i < 12 && isWriting; i++) {
              await writeNumber(ctx, value++);
              await sleep(200);
            }
          })();
          try {
            let last = o.first.outcome.receivedAtNs;
            for (let i = 1; i <= 2; i++) {
              const n = await o.next(4000);
              const interval = msSince(n.atNs, last);
              last = n.atNs;
              ctx.log(`notification ${i}: ${Math.round(interval)} ms after the previous one (pmin deviation ${Math.round(interval - 1000)} ms)`);
              ctx.expect.timing(`notification ${i} after the previous one`, interval, { minMs: 1000 - EARLY_TOLERANCE_MS, maxMs: 2000 });
            }
          } finally {
            isWriting = false;
            await writer.catch(() => undefined);
          }
        });
      } finally {
        await restoreText(ctx.lwm2m, NUMERIC_PATH, old);
      }
    },
  });

  for (const c of VALUE_ATTRIBUTE_CASES) {
    s.case({
      id: c.id,
      title: c.title,
      level: 'MUST',
      spec: { doc: 'lwm2m-digest', section: INFO_SECTION, quote: c.quote },
      stimulus: `Write ${NUMERIC_PATH} = 40; PUT ?${c.attribute}&pmax=60, observe; write ${c.quiet} (${c.why}), watch 800 ms; write ${c.notified}; restore.`,
      requirement: `No notification for 40 → ${c.quiet}; a notification within 1.5 s for ${c.quiet} → ${c.notified}.`,
      requires: ['lwm2m', 'lwm2m.obj.1'],
      story: 'attributes',
      timeoutMs: 20_000,
      run: (ctx) => valueAttributeCase(ctx, [c.attribute], c.quiet, c.notified),
    });
  }
});
