/** probeDevice over the memory pair: silence after the first answer, and error descriptions. */
import { describe, expect, it } from 'vitest';
import { describeErrorBody, probeDevice } from '../../../src/client/device-probe.ts';
import { SmpClient } from '../../../src/client/smp-client.ts';
import { decodeSmpPacket } from '../../../src/codec/smp/message.ts';
import { ResponseTimeoutError } from '../../../src/errors.ts';
import { createMemoryTransportPair } from '../../../src/transport/memory.ts';
import { responseFor } from './fixtures.ts';

/** A device that answers only os info (group 0 id 7), with the given body. */
function infoOnlyDevice(body: unknown): SmpClient {
  const [near, device] = createMemoryTransportPair();
  device.onPacket((bytes) => {
    const p = decodeSmpPacket(bytes);
    if (p.ok && p.value.header.group === 0 && p.value.header.id === 7) void device.send(responseFor(p.value.header, body));
  });
  return new SmpClient(near, { timeoutMs: 30 });
}

describe('probeDevice', () => {
  it('records later silences per item instead of failing', async () => {
    const client = infoOnlyDevice({ output: 'Zephyr' });
    const p = await probeDevice(client);
    await client.close();
    expect(p.osInfo).toEqual({ ok: true, value: 'Zephyr' });
    expect(p.mcumgrParams).toEqual({ ok: false, error: 'no answer within 30 ms' });
    expect(p.groups.source).toBe('probe');
    expect(p.groups.list.find((g) => g.group === 2)).toMatchObject({ present: 'unknown', evidence: 'stat list: no answer' });
    expect(p.groups.list.find((g) => g.group === 0)).toMatchObject({ present: true });
  });

  it('an error reply to os info still tells the SMP version; a silent device is a timeout', async () => {
    const client = infoOnlyDevice({ err: { group: 0, rc: 2 } });
    const p = await probeDevice(client);
    await client.close();
    expect(p.smpVersion).toBe('v2');
    expect(p.osInfo).toEqual({ ok: false, error: 'group 0 rc 2 (OS_MGMT_ERR_INVALID_FORMAT)', rc: 2 });
    const [near] = createMemoryTransportPair();
    const silent = new SmpClient(near, { timeoutMs: 20 });
    await expect(probeDevice(silent)).rejects.toBeInstanceOf(ResponseTimeoutError);
    await silent.close();
  });
});

describe('describeErrorBody', () => {
  it.each([
    [{ kind: 'errV1', rc: 8, rsp: {} } as const, 'rc 8 (MGMT_ERR_ENOTSUP)'],
    [{ kind: 'errV1', rc: 3, rsn: 'bad', rsp: {} } as const, 'rc 3 (MGMT_ERR_EINVAL): bad'],
    [{ kind: 'errV2', group: 1, rc: 9, rsp: {} } as const, 'group 1 rc 9 (IMG_MGMT_ERR_NO_FREE_SLOT)'],
    [{ kind: 'errV2', group: 99, rc: 1, rsp: {} } as const, 'group 99 rc 1 (unknown)'],
    [{ kind: 'malformed', reason: 'CBOR: x', at: 0 } as const, 'malformed reply: CBOR: x'],
  ])('%j', (body, text) => {
    expect(describeErrorBody(body)).toBe(text);
  });
});
