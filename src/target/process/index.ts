/** Process targets: start, supervise and stop a native_sim or QEMU device; its exit as the worker sees it. */
export {
  DEFAULT_PROCESS_READY_MS, DEFAULT_PTY_PATTERNS, LWM2M_SERVER_ENV, PROCESS_STOP_MS, processFilesIn, startProcessTarget,
  type ProcessExit, type ProcessFiles, type StartedProcess,
} from './process-device.ts';
export { describeProcessExit, processExitOf } from './process-exit.ts';
export { OutputTail, TAIL_LINES } from './output-tail.ts';
