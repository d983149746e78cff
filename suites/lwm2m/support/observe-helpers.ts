/**
 * Observation set-up and tear-down for the information-reporting cases: attributes on a path,
 * the observation, and afterwards the attributes removed and the observation cancelled whatever
 * the verdict; plus counting notifications that arrive for a token after it was cancelled.
 * @see docs/spec/lwm2m.md §2.6
 */
import { collectIncoming } from '../../../src/conformance/index.ts';
import type { Lwm2mSide } from './lwm2m-data.ts';

const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** An established observation as `server.observe` returns it. */
export type Observation = Awaited<ReturnType<Lwm2mSide['server']['observe']>>;

/** Set attributes, observe the path, run `body`, then clean up (attributes removed, observation cancelled). */
export async function withObservation<T>(side: Lwm2mSide, path: string, attributes: readonly string[], body: (o: Observation) => Promise<T>): Promise<T> {
  if (attributes.length > 0) await side.server.writeAttributes(side.endpoint, path, attributes);
  const o = await side.server.observe(side.endpoint, path);
  try {
    return await body(o);
  } finally {
    if (o.isActive) await o.cancel('deregister').catch(() => undefined);
    const names = attributes.map((a) => a.split('=')[0] ?? a);
    if (names.length > 0) await side.server.writeAttributes(side.endpoint, path, names).catch(() => undefined);
  }
}

/**
 * Observe `path` with pmax=1, take one notification, cancel by `mode` (`deregister`: GET with
 * Observe 1; `reset`: RST to the next notification) and count notifications in `watchMs` after.
 */
export async function cancelAfterNotification(side: Lwm2mSide, path: string, mode: 'reset' | 'deregister', watchMs: number): Promise<{ answer: Awaited<ReturnType<Observation['cancel']>>; after: number }> {
  return withObservation(side, path, ['pmax=1'], async (o) => {
    await o.next(4000);
    const answer = await o.cancel(mode);
    return { answer, after: await notificationsAfter(side, o, watchMs) };
  });
}

/** Notifications (2.05 with the observation's token) arriving within `waitMs`. */
export async function notificationsAfter(side: Lwm2mSide, o: Observation, waitMs: number): Promise<number> {
  const token = toHex(o.coap.request.token);
  const got = await collectIncoming(side.server.coap, (m) => m.message?.code === '2.05' && toHex(m.message.token) === token, waitMs);
  return got.length;
}
