/**
 * Headless Chromium (Debian package `chromium`) for tests: one bounded browser process in its own
 * process group, killed with the group on timeout and after exit, with a throw-away profile.
 */
import { spawn, spawnSync } from 'node:child_process';

/** The browser on PATH, or undefined when none is installed. */
export const CHROMIUM = ['chromium', 'chromium-browser'].find((name) => spawnSync('which', [name]).status === 0);

/** What one browser run left behind. */
export interface BrowserRun {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Run the browser headless with `args`; `profileDir` holds its user data. */
export function runHeadlessChromium(args: readonly string[], profileDir: string, timeoutMs = 45_000): Promise<BrowserRun> {
  return new Promise((done) => {
    const child = spawn(CHROMIUM!, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', `--user-data-dir=${profileDir}`, ...args], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (b: Buffer) => void (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => void (stderr = (stderr + b.toString('utf8')).slice(-4000)));
    const killGroup = (): void => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      killGroup();
      done({ code, stdout, stderr, timedOut });
    });
  });
}
