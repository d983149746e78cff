/**
 * The DTLS record layer of one association: epochs, write sequence numbers, AEAD protection from
 * epoch 1 on, and a replay window per read epoch.
 * @see RFC 6347 §4.1 (epoch, sequence number), §4.1.2.6 (replay), §4.1.2.7 (invalid records)
 */
import { DTLS_MAX_SEQUENCE_NUMBER, DtlsVersion } from '../../codec/dtls/constants.ts';
import { encodeDtlsRecord, type DtlsRecord } from '../../codec/dtls/record.ts';
import type { CcmKeys } from './key-schedule.ts';
import { openCcm8, sealCcm8, type CcmDirectionKeys } from './record-protection.ts';
import { ReplayWindow } from './replay-window.ts';

/** What became of an incoming record. */
export type OpenedRecord =
  | { kind: 'ok'; type: number; epoch: number; plaintext: Uint8Array }
  | { kind: 'dropped'; reason: 'replay' | 'too-old' | 'wrong-epoch' | 'wrong-version' | 'bad-record-mac' };

/** Epoch 0 (plaintext) and epoch 1 (AES-128-CCM_8) for one role. */
export class RecordLayer {
  private readEpoch = 0;
  private writeEpoch = 0;
  private readonly writeSeq = [0, 0];
  private readonly windows = [new ReplayWindow(), new ReplayWindow()];
  private readKeys: CcmDirectionKeys | undefined;
  private writeKeys: CcmDirectionKeys | undefined;

  constructor(private readonly role: 'client' | 'server') {}

  /** The epoch new records are written in. */
  get currentWriteEpoch(): number {
    return this.writeEpoch;
  }

  /** The epoch records are accepted in. */
  get currentReadEpoch(): number {
    return this.readEpoch;
  }

  /** Start epoch-0 writes at `seq` (a stateless server continues after its HelloVerifyRequest). */
  startEpoch0WritesAt(seq: number): void {
    this.writeSeq[0] = seq;
  }

  /** Install the negotiated keys; they take effect per direction at ChangeCipherSpec. */
  setKeys(keys: CcmKeys): void {
    const client = { key: keys.clientWriteKey, salt: keys.clientWriteSalt };
    const server = { key: keys.serverWriteKey, salt: keys.serverWriteSalt };
    this.writeKeys = this.role === 'client' ? client : server;
    this.readKeys = this.role === 'client' ? server : client;
  }

  /** Our ChangeCipherSpec was written: records after it use epoch 1. */
  activateWrite(): void {
    this.writeEpoch = 1;
  }

  /** The peer's ChangeCipherSpec arrived: accept epoch 1 only. */
  activateRead(): void {
    this.readEpoch = 1;
  }

  /** Frame (and from epoch 1, seal) one record in `epoch`, taking the next sequence number. */
  write(type: number, plaintext: Uint8Array, epoch = this.writeEpoch): Uint8Array {
    const sequenceNumber = this.writeSeq[epoch]!;
    if (sequenceNumber >= DTLS_MAX_SEQUENCE_NUMBER) throw new RangeError(`epoch ${epoch} sequence numbers exhausted`);
    this.writeSeq[epoch] = sequenceNumber + 1;
    const ctx = { type, version: DtlsVersion.DTLS_1_2, epoch, sequenceNumber };
    if (epoch === 0) return encodeDtlsRecord({ ...ctx, fragment: plaintext });
    if (!this.writeKeys) throw new Error('epoch 1 write before keys were set');
    return encodeDtlsRecord({ ...ctx, fragment: sealCcm8(this.writeKeys, ctx, plaintext) });
  }

  /**
   * Check and open a record. Epoch-0 records stay readable after the switch (a peer retransmitting
   * its last flight sends them); anything else outside the read epoch is dropped.
   */
  read(record: DtlsRecord): OpenedRecord {
    const { epoch, sequenceNumber } = record;
    // DTLS 1.0 appears on a client's first hello record (RFC 6347 §4.1); any other version is not DTLS.
    if (record.version !== DtlsVersion.DTLS_1_2 && record.version !== DtlsVersion.DTLS_1_0) return { kind: 'dropped', reason: 'wrong-version' };
    const isOldPlaintext = epoch === 0 && this.readEpoch === 1;
    if (epoch !== this.readEpoch && !isOldPlaintext) return { kind: 'dropped', reason: 'wrong-epoch' };
    const window = this.windows[epoch]!;
    const freshness = window.check(sequenceNumber);
    if (freshness !== 'fresh') return { kind: 'dropped', reason: freshness };
    let plaintext = record.fragment;
    if (epoch === 1) {
      const opened = this.readKeys ? openCcm8(this.readKeys, record, record.fragment) : undefined;
      if (!opened) return { kind: 'dropped', reason: 'bad-record-mac' };
      plaintext = opened;
    }
    window.mark(sequenceNumber);
    return { kind: 'ok', type: record.type, epoch, plaintext };
  }
}
