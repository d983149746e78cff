/** Errors of the DTLS transport. */
import { HarnessError } from '../../errors.ts';
import type { DtlsCloseReason } from './options.ts';

/** Explain a close reason in one line. */
export function describeDtlsClose(reason: DtlsCloseReason): string {
  switch (reason.kind) {
    case 'closed-locally':
      return 'closed locally';
    case 'close-notify-received':
      return 'peer sent close_notify';
    case 'alert-received':
      return `peer sent ${reason.level === 2 ? 'fatal' : 'warning'} alert ${reason.name} (${reason.description})`;
    case 'alert-sent':
      return `sent fatal alert ${reason.name} (${reason.description}): ${reason.detail}`;
    case 'handshake-timeout':
      return `no answer after ${reason.transmissions} transmissions of the last flight`;
  }
}

/** A DTLS handshake did not complete; `reason` says how it ended. */
export class DtlsHandshakeError extends HarnessError {
  readonly reason: DtlsCloseReason;
  constructor(where: string, reason: DtlsCloseReason) {
    super('E_DTLS_HANDSHAKE', `${where}: DTLS handshake failed: ${describeDtlsClose(reason)}`);
    this.reason = reason;
  }
}
