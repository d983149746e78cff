/**
 * A fast device for measuring the harness itself: the reference simulator with zero processing
 * time and `--buf-count` buffers (default 4, so windows 1…3 fit), in its own process like a real
 * device. Prints `{"port":N}` once listening; stops when stdin closes or on SIGTERM.
 * Run: `node --import tsx bench/fast-device.ts [--buf-count N]`.
 */
import { startSimulator } from '../src/simulator/index.ts';

/** Buffer size of the fast device (Zephyr's smp_svr UDP default). */
export const FAST_BUF_SIZE = 2048;
/** Slot large enough for the bench images. */
export const FAST_SLOT_BYTES = 0x120000;

const at = process.argv.indexOf('--buf-count');
const bufCount = at >= 0 ? Number(process.argv[at + 1]) : 4;
const sim = await startSimulator({ udp: { port: 0 }, serial: false, bufSize: FAST_BUF_SIZE, bufCount, processingMs: 0, slotBytes: FAST_SLOT_BYTES });
const stop = (): void => void sim.stop().then(() => process.exit(0));
process.stdin.on('end', stop).resume();
process.on('SIGTERM', stop);
process.stdout.write(`${JSON.stringify({ port: sim.udp!.port, bufCount, bufSize: FAST_BUF_SIZE })}\n`);
