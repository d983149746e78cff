/**
 * Typed SMP commands. Each group module (groups/*.ts) exports one `SmpCommand` per command,
 * tying the request's header fields and CBOR body to a checker for the success response.
 * Wire field names are kept verbatim. Response checking is strict about the fields the spec
 * defines (type, presence) and tolerant of extra fields (they are reported, not rejected).
 */
import type { Result } from '../../core/result.ts';
import type { CborValue } from '../cbor/cbor.ts';

/** A field in a response that does not match what the spec defines. */
export interface FieldProblem {
  /** Path in the body: `images[0].hash`. */
  field: string;
  /** What the spec requires: `bstr of 32 bytes`, `present`. */
  expected: string;
  /** What arrived: `tstr "abc"`, `missing`. */
  actual: string;
}

/** A decoded success response plus any fields the spec does not define. */
export interface DecodedResponse<Rsp> {
  value: Rsp;
  /** Keys present in the body but not defined by the spec for this command (informational). */
  unknownFields: string[];
}

/** A command of a group: header fields plus body encoder and response checker. */
export interface SmpCommand<Req, Rsp> {
  /** `os.echo`, `img.upload`, … */
  readonly name: string;
  readonly group: number;
  readonly id: number;
  /** Request op (SmpOp.READ or SmpOp.WRITE). */
  readonly op: number;
  /** Build the CBOR body object (text keys, wire names verbatim; undefined fields omitted). */
  encodeBody(req: Req): Record<string, unknown>;
  /** Check and type a success response body. Never throws. */
  decodeResponse(rsp: Record<string, CborValue>): Result<DecodedResponse<Rsp>, FieldProblem[]>;
}

/** A request ready to send: a command with its body and header version. */
export interface SmpRequest<Rsp> {
  readonly command: SmpCommand<unknown, Rsp>;
  readonly body: Record<string, unknown>;
  /** SMP header version bits; the client's default when absent. */
  readonly version?: number;
}

/** Bind a command to a request value. */
export function smpRequest<Req, Rsp>(command: SmpCommand<Req, Rsp>, req: Req, options: { version?: number } = {}): SmpRequest<Rsp> {
  const body = command.encodeBody(req);
  return options.version === undefined
    ? { command: command as SmpCommand<unknown, Rsp>, body }
    : { command: command as SmpCommand<unknown, Rsp>, body, version: options.version };
}
