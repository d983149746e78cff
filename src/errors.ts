/**
 * The harness's error classes. Protocol errors from a device are values, not exceptions;
 * these classes are for harness, configuration and transport trouble.
 *
 * Keep the word "assert" out of every message here: Allure marks an error whose name or message
 * contains it as a *failed* test (a device defect) rather than *broken* (harness trouble).
 */

/** Base class: every harness error carries a stable `code`. */
export class HarnessError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A problem in targets.json or CLI configuration; `pointer` is a JSON pointer into the file. */
export class ConfigError extends HarnessError {
  readonly pointer: string;
  readonly file: string | undefined;
  constructor(message: string, pointer = '', file?: string, options?: { cause?: unknown }) {
    const where = file ? `${file}${pointer ? `#${pointer}` : ''}: ` : pointer ? `${pointer}: ` : '';
    super('E_CONFIG', `${where}${message}`, options);
    this.pointer = pointer;
    this.file = file;
  }
}

/** A bad command-line usage (unknown flag, missing argument). */
export class UsageError extends HarnessError {
  constructor(message: string) {
    super('E_USAGE', message);
  }
}

/** A connection string that cannot be parsed. */
export class ConnectionStringError extends HarnessError {
  readonly input: string;
  constructor(input: string, message: string) {
    super('E_CONNECTION_STRING', `connection string "${input}": ${message}`);
    this.input = input;
  }
}

/** A transport could not be opened, or failed while in use. */
export class TransportError extends HarnessError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_TRANSPORT', message, options);
  }
}

/** The transport was closed while an operation was pending. */
export class TransportClosedError extends HarnessError {
  constructor(message = 'transport closed') {
    super('E_TRANSPORT_CLOSED', message);
  }
}

/** No response arrived before the deadline. */
export class ResponseTimeoutError extends HarnessError {
  readonly timeoutMs: number;
  constructor(what: string, timeoutMs: number) {
    super('E_TIMEOUT', `no response to ${what} within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/** A reply that could not be decoded where a decodable reply was required. */
export class DecodeError extends HarnessError {
  readonly at: number | undefined;
  constructor(message: string, at?: number) {
    super('E_DECODE', at === undefined ? message : `${message} (at byte ${at})`);
    this.at = at;
  }
}

/** A file given to the harness (image, key) is missing, unreadable or not what it claims. */
export class InputFileError extends HarnessError {
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super('E_INPUT_FILE', `${path}: ${message}`, options);
    this.path = path;
  }
}

/** An LwM2M client did not register (or register again) within the wait. */
export class RegistrationTimeoutError extends HarnessError {
  readonly endpoint: string;
  readonly timeoutMs: number;
  constructor(endpoint: string, timeoutMs: number, what = 'registration') {
    super('E_NO_REGISTRATION', `no ${what} from ${endpoint} within ${Number((timeoutMs / 1000).toFixed(3))} s`);
    this.endpoint = endpoint;
    this.timeoutMs = timeoutMs;
  }
}

/** An LwM2M operation names an endpoint that has no active registration. */
export class NotRegisteredError extends HarnessError {
  readonly endpoint: string;
  constructor(endpoint: string) {
    super('E_NOT_REGISTERED', `${endpoint} has no active registration`);
    this.endpoint = endpoint;
  }
}

/** An LwM2M client did not send a Bootstrap-Request within the wait. */
export class BootstrapTimeoutError extends HarnessError {
  readonly endpoint: string;
  readonly timeoutMs: number;
  constructor(endpoint: string, timeoutMs: number, what = 'bootstrap request') {
    super('E_NO_BOOTSTRAP', `no ${what} from ${endpoint} within ${Number((timeoutMs / 1000).toFixed(3))} s`);
    this.endpoint = endpoint;
    this.timeoutMs = timeoutMs;
  }
}
