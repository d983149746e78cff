import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { openPtyDevice, isPtyAvailable } from '../../../src/transport/pty.ts';

function openClient(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  return new Promise((resolve, reject) => port.open((e) => (e ? reject(e) : resolve(port))));
}

function closeClient(port: SerialPort): Promise<void> {
  return new Promise((resolve) => port.close(() => resolve()));
}

function nextData(port: SerialPort, bytes: number, timeoutMs = 2000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    const timer = setTimeout(() => reject(new Error(`timed out with ${Buffer.concat(parts).length} bytes`)), timeoutMs);
    const onData = (d: Buffer): void => {
      parts.push(d);
      const all = Buffer.concat(parts);
      if (all.length >= bytes) {
        clearTimeout(timer);
        port.off('data', onData);
        resolve(all);
      }
    };
    port.on('data', onData);
  });
}

function deviceReceives(device: Awaited<ReturnType<typeof openPtyDevice>>, bytes: number, timeoutMs = 2000): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const parts: Uint8Array[] = [];
    const timer = setTimeout(() => reject(new Error('device timed out')), timeoutMs);
    const off = device.onData((chunk) => {
      parts.push(chunk.slice());
      const all = Buffer.concat(parts);
      if (all.length >= bytes) {
        clearTimeout(timer);
        off();
        resolve(new Uint8Array(all));
      }
    });
  });
}

describe.skipIf(!isPtyAvailable())('openPtyDevice', () => {
  it('carries bytes both ways unchanged (raw: no echo, no CR/LF translation)', async () => {
    const device = await openPtyDevice();
    expect(device.path).toMatch(/^\/dev\//);
    const client = await openClient(device.path);
    const toClient = nextData(client, 4);
    await device.write(new Uint8Array([0x06, 0x09, 0x0a, 0x0d]));
    expect([...(await toClient)]).toEqual([0x06, 0x09, 0x0a, 0x0d]);
    const toDevice = deviceReceives(device, 5);
    client.write(Buffer.from([0x04, 0x14, 0x0a, 0x00, 0xff]));
    expect([...(await toDevice)]).toEqual([0x04, 0x14, 0x0a, 0x00, 0xff]);
    await closeClient(client);
    await device.close();
  });

  it('survives client close and reopen, and device writes while no client is attached', async () => {
    const device = await openPtyDevice();
    const echoed: Uint8Array[] = [];
    device.onData((c) => echoed.push(c));
    await device.write(new TextEncoder().encode('before any client\n'));
    for (let round = 0; round < 3; round++) {
      const client = await openClient(device.path);
      const got = nextData(client, 6);
      await device.write(new TextEncoder().encode(`round${round}`));
      expect((await got).toString()).toBe(`round${round}`);
      const toDevice = deviceReceives(device, 2);
      client.write(Buffer.from(`c${round}`));
      expect(Buffer.from(await toDevice).toString()).toBe(`c${round}`);
      await closeClient(client);
      await device.write(new TextEncoder().encode('nobody listening\n'));
    }
    // Nothing the device wrote came back to it: the slave does not echo.
    expect(Buffer.concat(echoed).toString()).toBe('c0c1c2');
    await device.close();
  });

  it('the slave is raw even for a client that sets no termios (no echo, no output CR insertion)', async () => {
    const device = await openPtyDevice();
    const fromClient = deviceReceives(device, 3);
    const fd = openSync(device.path, constants.O_RDWR | constants.O_NOCTTY);
    writeSync(fd, Buffer.from('a\nb'));
    expect([...(await fromClient)]).toEqual([0x61, 0x0a, 0x62]);
    closeSync(fd);
    const stty = spawnSync('stty', ['-F', device.path, '-a'], { encoding: 'utf8' });
    if (stty.status === 0) expect(stty.stdout).toMatch(/-icanon[\s\S]*-echo\b/);
    await device.close();
  });

  it('drops output nobody reads instead of blocking forever', async () => {
    const device = await openPtyDevice();
    const started = Date.now();
    await device.write(new Uint8Array(256 * 1024).fill(0x41));
    expect(Date.now() - started).toBeLessThan(10_000);
    await device.close();
  });

  it('close is idempotent and the device no longer delivers data', async () => {
    const device = await openPtyDevice();
    await device.close();
    await expect(device.close()).resolves.toBeUndefined();
    await expect(device.write(new Uint8Array([1]))).resolves.toBeUndefined();
  });

  it('does not keep the process alive after close', () => {
    const script = [
      "import { openPtyDevice } from './src/transport/pty.ts';",
      'const d = await openPtyDevice();',
      "await d.write(new Uint8Array([65, 10]));",
      'await d.close();',
      "console.log('closed');",
    ].join('\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: new URL('../../../', import.meta.url).pathname,
      timeout: 15_000,
      encoding: 'utf8',
    });
    expect(run.stdout.trim()).toBe('closed');
    expect(run.status).toBe(0);
  });
});
