/** Resolve with a process's output so far once `pattern` shows up in it; reject after `ms`. */
export function waitForOutput(read: () => string, pattern: RegExp, ms: number): Promise<string> {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      const out = read();
      if (pattern.test(out)) return resolve(out);
      if (Date.now() > end) return reject(new Error(`no ${pattern} within ${ms} ms; output:\n${out}`));
      setTimeout(poll, 50);
    };
    poll();
  });
}
