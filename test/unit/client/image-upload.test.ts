import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { uploadImage, UploadRejectedError, type UploadProgress } from '../../../src/client/image-upload.ts';
import { computeImageHash, parseMcubootImage } from '../../../src/codec/image/index.ts';
import { smpRequest } from '../../../src/codec/smp/command.ts';
import { imgCommands } from '../../../src/codec/smp/groups/img.ts';
import { toHex } from '../../../src/core/bytes.ts';
import { isPtyAvailable } from '../../../src/transport/pty.ts';
import { simClient, testImage, type SimClient } from './image-upload-fixtures.ts';

let open: SimClient | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

async function connect(via: 'udp' | 'serial', options: Parameters<typeof simClient>[1] = {}): Promise<SimClient> {
  open = await simClient(via, options);
  return open;
}

/** Hex of the SHA-256 TLV value: what image state must report (not the file hash). */
function imageHashHex(image: Uint8Array): string {
  const parsed = parseMcubootImage(image);
  if (!parsed.ok) throw new Error('test image does not parse');
  return toHex(computeImageHash(parsed.value));
}

async function slotHashes(c: SimClient): Promise<Record<number, string>> {
  // One retry: the drop-every-nth fault may swallow this reply too.
  const ask = () => c.client.request(smpRequest(imgCommands.state, {}), { timeoutMs: 500 });
  const reply = await ask().catch(ask);
  const images = reply.decoded?.ok ? reply.decoded.value.value.images : [];
  return Object.fromEntries(images.map((s) => [s.slot, toHex(s.hash)]));
}

/** Upload requests (group 1, id 1) the client sent, in order. */
function uploadRequests(c: SimClient): Uint8Array[] {
  return c.sentPackets().filter((p) => p[5] === 1 && p[7] === 1);
}

/** Most requests outstanding at once, from the trace's order of sends and receives. */
function maxOutstanding(c: SimClient): number {
  let outstanding = 0;
  let max = 0;
  for (const e of c.client.trace.entries) {
    if (e.direction === 'out') max = Math.max(max, ++outstanding);
    else if (e.direction === 'in') outstanding--;
  }
  return max;
}

describe('uploadImage over UDP against the simulator', () => {
  it('uploads, reports match true, and image state lists the SHA-256 TLV in slot 1', async () => {
    const c = await connect('udp');
    const image = testImage(20_000);
    const progress: UploadProgress[] = [];
    const result = await uploadImage(c.client, image, { onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ bytes: image.length, match: true, retransmits: 0, resumes: 0, window: 1 });
    expect(result.bytesPerSec).toBeGreaterThan(0);
    expect((await slotHashes(c))[1]).toBe(imageHashHex(image));
    expect(imageHashHex(image)).not.toBe(createHash('sha256').update(image).digest('hex'));
    expect(progress.at(-1)).toMatchObject({ ackedBytes: image.length, totalBytes: image.length, etaMs: 0 });
    expect(progress.every((p, i) => i === 0 || p.ackedBytes >= progress[i - 1]!.ackedBytes)).toBe(true);
  });

  it('sizes every full request to exactly 1500 bytes (buf_size 2048, UDP limit 1500)', async () => {
    const c = await connect('udp');
    const image = testImage(30_000);
    await uploadImage(c.client, image);
    const sizes = uploadRequests(c).map((p) => p.length);
    expect(Math.max(...sizes)).toBe(1500);
    // Every chunk but the last fills the datagram, whatever the width of its off integer.
    expect(sizes.slice(0, -1).every((n) => n === 1500)).toBe(true);
  });

  it('sizes requests to a smaller buf_size exactly', async () => {
    const c = await connect('udp', { bufSize: 700 });
    await uploadImage(c.client, testImage(5_000));
    const sizes = uploadRequests(c).map((p) => p.length);
    expect(Math.max(...sizes)).toBe(700);
    expect(sizes.slice(0, -1).every((n) => n === 700)).toBe(true);
  });

  it('pipelines buf_count − 1 chunks when the device has 4 buffers', async () => {
    const c = await connect('udp', { bufCount: 4, processingMs: 15 });
    const image = testImage(12_000);
    const result = await uploadImage(c.client, image);
    expect(result).toMatchObject({ window: 3, match: true, retransmits: 0 });
    expect(maxOutstanding(c)).toBe(3);
    expect((await slotHashes(c))[1]).toBe(imageHashHex(image));
  });

  it('stop-and-wait with window 1 never has two chunks outstanding', async () => {
    const c = await connect('udp', { bufCount: 4, processingMs: 5 });
    await uploadImage(c.client, testImage(8_000), { window: 1 });
    expect(maxOutstanding(c)).toBe(1);
  });

  it('recovers from lost replies (drop-every-nth:4) and still writes the right image', async () => {
    const c = await connect('udp', { faults: ['drop-every-nth:4'], bufCount: 4 });
    const image = testImage(25_000);
    const result = await uploadImage(c.client, image, { timeoutMs: 250 });
    expect(result.retransmits).toBeGreaterThan(0);
    expect(result.match).toBe(true);
    expect((await slotHashes(c))[1]).toBe(imageHashHex(image));
  });

  it('resumes at the offset the device names when an upload with the same sha is in progress', async () => {
    const c = await connect('udp');
    const image = testImage(10_000);
    const sha = new Uint8Array(createHash('sha256').update(image).digest());
    await c.client.request(smpRequest(imgCommands.upload, { len: image.length, off: 0, sha, data: image.subarray(0, 1000) }));
    const result = await uploadImage(c.client, image);
    expect(result).toMatchObject({ resumes: 1, match: true });
    // Resumed at 1000: the chunk requests after the manual one carry the other 9000 bytes once.
    expect(uploadRequests(c).length - 1).toBe(result.chunks);
    expect(result.chunks).toBe(1 + Math.ceil((10_000 - 1000) / 1400));
    expect((await slotHashes(c))[1]).toBe(imageHashHex(image));
  });

  it('reports match false when the device resumed over stale data', async () => {
    const c = await connect('udp');
    const image = testImage(6_000);
    const other = testImage(6_000, undefined, 99);
    const sha = new Uint8Array(createHash('sha256').update(image).digest());
    // Same sha, other bytes: the device resumes at 1000 and its slot starts with the wrong data.
    await c.client.request(smpRequest(imgCommands.upload, { len: image.length, off: 0, sha, data: other.subarray(0, 1000) }));
    const result = await uploadImage(c.client, image);
    expect(result.match).toBe(false);
    expect(result.resumes).toBe(1);
  });

  it('finishes at once when the slot already holds the image (off = len, match true)', async () => {
    const c = await connect('udp');
    const image = testImage(9_000);
    await uploadImage(c.client, image);
    const again = await uploadImage(c.client, image);
    expect(again).toMatchObject({ match: true, chunks: 1, bytes: image.length });
  });

  it('rejects an older image with upgrade: true (err {1, 27}) and names the error', async () => {
    const c = await connect('udp');
    const older = testImage(3_000, { major: 0, minor: 9, revision: 0, build: 0 });
    const attempt = uploadImage(c.client, older, { upgrade: true });
    await expect(attempt).rejects.toBeInstanceOf(UploadRejectedError);
    await expect(attempt).rejects.toThrow(/group 1 rc 27/);
  });

  it('erases first when asked and ends with the slot written', async () => {
    const c = await connect('udp');
    const image = testImage(4_000);
    const result = await uploadImage(c.client, image, { eraseFirst: true });
    expect(result.match).toBe(true);
    expect(c.sentPackets().some((p) => p[5] === 1 && p[7] === 5)).toBe(true);
  });

  it('stops when the signal aborts', async () => {
    const c = await connect('udp', { processingMs: 5 });
    const abort = new AbortController();
    const attempt = uploadImage(c.client, testImage(40_000), { signal: abort.signal, onProgress: () => abort.abort(new Error('stop here')) });
    await expect(attempt).rejects.toThrow('stop here');
  });

  it('gives up with a timeout when the device never answers uploads', async () => {
    const c = await connect('udp', { faults: ['drop-every-nth:1'] });
    const attempt = uploadImage(c.client, testImage(2_000), { timeoutMs: 100, maxRetries: 2, link: { kind: 'udp', bufSize: 2048 } });
    await expect(attempt).rejects.toThrow(/image upload at offset 0/);
  });
});

describe.skipIf(!isPtyAvailable())('uploadImage over the simulator pseudo-terminal', () => {
  it('fills requests to buf_size − 4 (length and CRC share the buffer) and writes the image', async () => {
    // A serial transport whose MTU is the whole SMP buffer.
    const c = await connect('serial', { serial: { mtu: 2048 } });
    const image = testImage(9_000);
    const result = await uploadImage(c.client, image);
    expect(result.match).toBe(true);
    const sizes = uploadRequests(c).map((p) => p.length);
    expect(Math.max(...sizes)).toBe(2044);
    expect((await slotHashes(c))[1]).toBe(imageHashHex(image));
  });

  it('fills requests to the transport MTU (256 by default, as Zephyr) and writes the image', async () => {
    const c = await connect('serial');
    const image = testImage(3_000);
    const result = await uploadImage(c.client, image, { link: { kind: 'serial', maxPacketBytes: 256 } });
    expect(result.match).toBe(true);
    expect(result.retransmits).toBe(0);
    const sizes = uploadRequests(c).map((p) => p.length);
    expect(Math.max(...sizes)).toBe(256);
    expect(sizes.slice(0, -1).every((n) => n === 256)).toBe(true);
    expect((await slotHashes(c))[1]).toBe(imageHashHex(image));
  });
});
