/**
 * Shrinking a crash reproducer: drop frames one at a time, keeping a drop whenever the device
 * still dies without the frame (the one-minimal end of Zeller's delta debugging: no single frame
 * of the result can be left out). `dies` replays a candidate on a fresh device.
 * @see https://www.st.cs.uni-saarland.de/papers/tse2002/ (Zeller & Hildebrandt, ddmin)
 */

/** The result of a minimisation: the frames kept and how many replays it took. */
export interface Minimized<T> {
  frames: T[];
  replays: number;
}

/**
 * The smallest frame list found that still kills the device. `frames` must kill it (checked
 * first: rejects with an Error when it does not).
 */
export async function minimizeFrames<T>(frames: readonly T[], dies: (candidate: readonly T[]) => Promise<boolean>): Promise<Minimized<T>> {
  let replays = 1;
  if (!(await dies(frames))) throw new Error('the reproducer does not kill the device: nothing to minimise');
  let kept = [...frames];
  // Halves first (cheap when the killing frame sits in one half), then frame by frame.
  while (kept.length > 1) {
    const half = Math.ceil(kept.length / 2);
    const [first, second] = [kept.slice(0, half), kept.slice(half)];
    replays++;
    if (await dies(second)) {
      kept = second;
      continue;
    }
    replays++;
    if (await dies(first)) {
      kept = first;
      continue;
    }
    break;
  }
  for (let i = kept.length - 1; i >= 0 && kept.length > 1; i--) {
    const candidate = [...kept.slice(0, i), ...kept.slice(i + 1)];
    replays++;
    if (await dies(candidate)) kept = candidate;
  }
  return { frames: kept, replays };
}
