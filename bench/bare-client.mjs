// A bare-socket SMP client used as the bench's reference: node:dgram, a hand-built 8-byte SMP
// header and cbor-x, nothing from the harness. Plain JavaScript so it also runs as a whole process
// without any TypeScript loader (`node bench/bare-client.mjs upload PORT FILE WINDOW CHUNK`).
// Header layout: docs/spec/smp.md §1.1 (op | version << 3, flags, length BE16, group BE16, seq, id).
import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { Decoder, Encoder } from 'cbor-x';

// tagUint8Array off: a byte string is major type 2 on the wire, not tag 64 around it.
const encoder = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false });
const decoder = new Decoder({ useRecords: false, mapsAsObjects: true });

/** One SMP v2 packet: header written by hand, body encoded by cbor-x. */
export function bareFrame(op, group, id, seq, body) {
  const payload = encoder.encode(body);
  const out = new Uint8Array(8 + payload.length);
  out[0] = (1 << 3) | op;
  out[2] = payload.length >> 8;
  out[3] = payload.length & 0xff;
  out[4] = group >> 8;
  out[5] = group & 0xff;
  out[6] = seq & 0xff;
  out[7] = id;
  out.set(payload, 8);
  return out;
}

/** Open a connected UDP socket to 127.0.0.1:`port`; `onReply(seq, id, group, bodyBytes)` per datagram. */
export async function openBareSocket(port, onReply) {
  const socket = createSocket('udp4');
  socket.on('message', (m) => onReply(m[6], m[7], (m[4] << 8) | m[5], m.subarray(8)));
  await new Promise((resolve) => socket.connect(port, '127.0.0.1', resolve));
  return socket;
}

/** Sequential echo round trips; resolves to each round trip's duration in µs. */
export async function bareEchoes(port, count) {
  let waiting;
  const socket = await openBareSocket(port, (seq) => {
    if (waiting && seq === waiting.seq) waiting.done();
  });
  const rtts = [];
  try {
    for (let i = 0; i < count; i++) {
      const seq = i & 0xff;
      const frame = bareFrame(2, 0, 0, seq, { d: 'hello' });
      const started = performance.now();
      await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('bare echo: no answer in 1000 ms')), 1000);
        waiting = { seq, done: () => (clearTimeout(timer), resolve()) };
        socket.send(frame);
      });
      rtts.push((performance.now() - started) * 1000);
    }
  } finally {
    socket.close();
  }
  return rtts;
}

/**
 * Upload `image` with `window` chunks in flight and `chunk` data bytes per chunk (the first
 * carries len and sha too). Assumes a loss-free link (loopback): it stops on any refusal.
 */
export async function bareUpload(port, image, window, chunk) {
  const sha = createHash('sha256').update(image).digest();
  let next = 0;
  let seq = 0;
  let inFlight = 0;
  let finish;
  const done = new Promise((resolve, reject) => (finish = { resolve, reject }));
  let socket;
  const sendNext = () => {
    const off = next;
    const end = Math.min(image.length, off + (off === 0 ? chunk - 64 : chunk));
    const data = image.subarray(off, end);
    const body = off === 0 ? { len: image.length, off: 0, sha, data } : { off, data };
    socket.send(bareFrame(2, 1, 1, seq++ & 0xff, body));
    next = end;
    inFlight++;
  };
  const started = performance.now();
  const timer = setTimeout(() => finish.reject(new Error('bare upload: no progress in 5000 ms')), 5000);
  socket = await openBareSocket(port, (_seq, _id, _group, bodyBytes) => {
    inFlight--;
    const rsp = decoder.decode(bodyBytes);
    if (typeof rsp.off !== 'number' || rsp.rc) return finish.reject(new Error(`bare upload refused: ${JSON.stringify(rsp)}`));
    timer.refresh();
    if (rsp.off >= image.length) return finish.resolve();
    while (inFlight < window && next < image.length) sendNext();
  });
  try {
    while (inFlight < window && next < image.length) sendNext();
    await done;
    const ms = performance.now() - started;
    return { ms, bytesPerSec: (image.length * 1000) / ms };
  } finally {
    clearTimeout(timer);
    socket.close();
  }
}

/**
 * Stream `frames` for `measureMs` in windows of `windowFrames`, each followed by an echo fence
 * that must be answered before the next window; resolves to the frames sent and the time.
 */
export async function bareMalformedLoop(port, frames, windowFrames, measureMs) {
  let waiting;
  const socket = await openBareSocket(port, (seq, id, group, bodyBytes) => {
    if (!waiting || seq !== waiting.seq || id !== 0 || group !== 0) return;
    let rsp;
    try {
      rsp = decoder.decode(bodyBytes);
    } catch {
      return;
    }
    if (rsp && rsp.r === waiting.text) waiting.done(true);
  });
  let sent = 0;
  let fences = 0;
  let passed = 0;
  const started = performance.now();
  try {
    while (performance.now() - started < measureMs) {
      for (let k = 0; k < windowFrames; k++) socket.send(frames[(sent + k) % frames.length]);
      sent += windowFrames;
      const text = `live-${fences}`;
      const seq = fences & 0xff;
      fences++;
      const ok = await new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), 1000);
        waiting = { seq, text, done: (v) => (clearTimeout(timer), resolve(v)) };
        socket.send(bareFrame(2, 0, 0, seq, { d: text }));
      });
      if (ok) passed++;
    }
  } finally {
    socket.close();
  }
  const ms = performance.now() - started;
  return { framesSent: sent, ms, framesPerSec: (sent * 1000) / ms, fences, fencesPassed: passed };
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href && process.argv[2] === 'upload') {
  const [, , , port, file, window, chunk] = process.argv;
  const result = await bareUpload(Number(port), new Uint8Array(readFileSync(file)), Number(window), Number(chunk));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
