import { describe, it, expect } from 'vitest';
import { createSocket } from 'node:dgram';
import { openTransport } from '../../../src/transport/open.ts';
import { parseConnectionString } from '../../../src/transport/connection-string.ts';
import { isPtyAvailable, openPtyDevice } from '../../../src/transport/pty.ts';
import { TransportError } from '../../../src/errors.ts';

function spec(s: string) {
  const r = parseConnectionString(s);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('openTransport', () => {
  it('opens UDP from a connection string', async () => {
    const server = createSocket('udp4');
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', () => r()));
    const t = await openTransport(spec(`udp://127.0.0.1:${server.address().port}`));
    expect(t.kind).toBe('udp');
    const got = new Promise<Buffer>((r) => server.once('message', r));
    await t.send(new Uint8Array([1, 2, 3]));
    expect([...(await got)]).toEqual([1, 2, 3]);
    await t.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it.skipIf(!isPtyAvailable())('opens serial, raw flag and baud carried into the description', async () => {
    const d = await openPtyDevice();
    const t = await openTransport(spec(`serial://${d.path}?baud=9600&raw=1`));
    expect(t.kind).toBe('serial');
    expect(t.description).toBe(`serial://${d.path}?baud=9600&raw=1`);
    await t.close();
    await d.close();
  });

  it('a missing serial path is a TransportError naming it', async () => {
    const attempt = openTransport(spec('serial:///dev/ttyNOPE9'));
    await expect(attempt).rejects.toBeInstanceOf(TransportError);
    await expect(attempt).rejects.toThrow('serial port /dev/ttyNOPE9: no such file');
  });
});
