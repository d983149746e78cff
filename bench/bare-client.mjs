// A bare-socket SMP client used as the bench's reference: node:dgram, a hand-built 8-byte SMP
// header and cbor-x, nothing from the harness; a request unanswered in time is sent again, a
// bounded number of times, as any SMP client over UDP must. Plain JavaScript so it also runs as a
// whole process without any TypeScript loader (`node bench/bare-client.mjs upload PORT FILE WINDOW CHUNK`).
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

/**
 * How long a request waits for its answer before the same packet (same seq) is sent again, and how
 * often in a row: the least an SMP client over UDP must do, since a datagram can be lost. The wait
 * is the harness's default response timeout (`DEFAULT_RESPONSE_TIMEOUT_MS`).
 */
export const BARE_TIMEOUT_MS = 2000;
export const BARE_MAX_RESENDS = 3;

const policyOf = (options) => ({ timeoutMs: options.timeoutMs ?? BARE_TIMEOUT_MS, maxResends: options.maxResends ?? BARE_MAX_RESENDS });

/**
 * Send `frame` and send it again, unchanged, each time `timeoutMs` passes unanswered, at most
 * `maxResends` times; one more unanswered wait calls `onGiveUp(sends)`. Counts resends in `counter`.
 * The caller cancels the returned timer when the answer comes.
 */
function sendWithResends(socket, frame, policy, counter, onGiveUp) {
  let resends = 0;
  const timer = setInterval(() => {
    if (resends === policy.maxResends) return clearInterval(timer), onGiveUp(resends + 1);
    resends++;
    counter.resends++;
    socket.send(frame);
  }, policy.timeoutMs);
  socket.send(frame);
  return { cancel: () => clearInterval(timer) };
}

/** Sequential echo round trips: each round trip's duration in µs (resends included) and the resends. */
export async function bareEchoes(port, count, options = {}) {
  const policy = policyOf(options);
  let waiting;
  // A late answer to a packet that was sent again carries the previous seq, which no longer matches.
  const socket = await openBareSocket(port, (seq, id, group) => {
    if (waiting && seq === waiting.seq && id === 0 && group === 0) waiting.done();
  });
  const rtts = [];
  const counter = { resends: 0 };
  try {
    for (let i = 0; i < count; i++) {
      const seq = i & 0xff;
      const frame = bareFrame(2, 0, 0, seq, { d: 'hello' });
      const started = performance.now();
      await new Promise((resolve, reject) => {
        const giveUp = (sends) => reject(new Error(`bare echo seq ${seq}: no answer to ${sends} sends of ${policy.timeoutMs} ms each`));
        const pending = sendWithResends(socket, frame, policy, counter, giveUp);
        waiting = { seq, done: () => (pending.cancel(), (waiting = undefined), resolve()) };
      });
      rtts.push((performance.now() - started) * 1000);
    }
  } finally {
    waiting = undefined;
    socket.close();
  }
  return { rtts, resends: counter.resends };
}

/**
 * Upload `image` with `window` chunks in flight and `chunk` data bytes per chunk (the first
 * carries len and sha too). Every answer's `off` is the device's next expected offset, so it
 * acknowledges all chunks below it; a chunk after a lost one is answered with the lower offset
 * and acknowledges nothing. When the oldest chunk in flight has gone `timeoutMs` without an
 * answer that moves the upload on, every chunk in flight is sent again, unchanged and in order,
 * at most `maxResends` times in a row. An `off` below an earlier one means the device dropped its
 * upload (it does on completion, so a resent final chunk hears `off` 0 when the first answer to
 * it was lost): the upload goes on from that offset. Stops on any refusal.
 * @see ../docs/spec/smp.md §3.2.3
 */
export async function bareUpload(port, image, window, chunk, options = {}) {
  const policy = policyOf(options);
  const sha = createHash('sha256').update(image).digest();
  const inFlight = [];
  let next = 0;
  let acked = 0;
  let seq = 0;
  let resends = 0;
  let rounds = 0;
  let finish;
  const done = new Promise((resolve, reject) => (finish = { resolve, reject }));
  let socket;
  const sendNext = () => {
    const off = next;
    const end = Math.min(image.length, off + (off === 0 ? chunk - 64 : chunk));
    const data = image.subarray(off, end);
    const body = off === 0 ? { len: image.length, off: 0, sha, data } : { off, data };
    const frame = bareFrame(2, 1, 1, seq, body);
    inFlight.push({ off, end, seq, frame });
    seq = (seq + 1) & 0xff;
    next = end;
    socket.send(frame);
  };
  let timer;
  const onTimeout = () => {
    const head = inFlight[0];
    if (rounds === policy.maxResends) return finish.reject(new Error(`bare upload: chunk at offset ${head.off} (seq ${head.seq}) unanswered after ${rounds + 1} sends of ${policy.timeoutMs} ms each`));
    rounds++;
    for (const f of inFlight) socket.send(f.frame), resends++;
    timer.refresh();
  };
  const onAnswer = (bodyBytes) => {
    const rsp = decoder.decode(bodyBytes);
    if (typeof rsp.off !== 'number' || rsp.rc) return finish.reject(new Error(`bare upload refused: ${JSON.stringify(rsp)}`));
    if (rsp.off === acked) return;
    if (rsp.off < acked) (inFlight.length = 0), (next = rsp.off);
    acked = rsp.off;
    while (inFlight.length > 0 && inFlight[0].end <= acked) inFlight.shift();
    rounds = 0;
    timer.refresh();
    if (acked >= image.length) return finish.resolve();
    while (inFlight.length < window && next < image.length) sendNext();
  };
  const started = performance.now();
  try {
    socket = await openBareSocket(port, (s, id, group, bodyBytes) => {
      // Not in flight: a second answer to a chunk that was sent again, or one from before a restart.
      if (group !== 1 || id !== 1 || !inFlight.some((f) => f.seq === s)) return;
      try {
        onAnswer(bodyBytes);
      } catch (e) {
        finish.reject(e);
      }
    });
    timer = setTimeout(onTimeout, policy.timeoutMs);
    while (inFlight.length < window && next < image.length) sendNext();
    await done;
    const ms = performance.now() - started;
    return { ms, bytesPerSec: (image.length * 1000) / ms, resends };
  } finally {
    clearTimeout(timer);
    socket?.close();
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
