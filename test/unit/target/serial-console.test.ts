/**
 * `crash.console` on a serial port: `SerialConsole` reads a board's console lines over a real
 * pseudo-terminal (the test writes them from the device side), keeps them for `since` and `last`,
 * and a bad connection string or path is refused with a `TransportError` naming it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SerialConsole } from '../../../src/target/crash/console-lines.ts';
import { openPtyDevice, type PtyDevice } from '../../../src/transport/pty.ts';
import { TransportError } from '../../../src/errors.ts';

const opened: { device?: PtyDevice; console?: SerialConsole }[] = [];

afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.console?.close();
    await o.device?.close();
  }
});

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

describe('SerialConsole', () => {
  it('reads the lines a device prints, from a mark on, and keeps the last ones', async () => {
    const device = await openPtyDevice();
    const board = await SerialConsole.open(`serial://${device.path}?baud=115200`);
    opened.push({ device, console: board });
    await device.write(new TextEncoder().encode('*** Booting Zephyr OS ***\r\n'));
    await until(() => board.last(5).length === 1);
    const mark = board.mark();
    await device.write(new TextEncoder().encode('[00:00:01.000] <err> os: ***** MPU FAULT *****\r\n[00:00:01.001] <err> os: Halting sys'));
    await device.write(new TextEncoder().encode('tem\r\n'));
    await until(() => board.since(mark).length === 2);
    expect(board.since(mark)).toEqual(['[00:00:01.000] <err> os: ***** MPU FAULT *****', '[00:00:01.001] <err> os: Halting system']);
    expect(board.last(3)).toEqual(['*** Booting Zephyr OS ***', '[00:00:01.000] <err> os: ***** MPU FAULT *****', '[00:00:01.001] <err> os: Halting system']);
  });

  it('refuses a connection string that is not serial, and a path that does not exist', async () => {
    await expect(SerialConsole.open('udp://127.0.0.1:1337')).rejects.toThrow(/expected serial:/);
    const missing = await SerialConsole.open('serial:///dev/no-such-console?baud=115200').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(TransportError);
    expect(String((missing as Error).message)).toContain('/dev/no-such-console');
  });
});
