/**
 * Stateless HelloVerifyRequest cookies: HMAC-SHA256 over the peer address and the ClientHello
 * parameters, under a secret that rotates; a cookie made with the previous secret still verifies,
 * so a rotation never fails a handshake in flight.
 * @see RFC 6347 §4.2.1 (Cookie = HMAC(Secret, Client-IP, Client-Parameters))
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { concatBytes } from '../../core/bytes.ts';
import { encodeClientHello, type ClientHello } from '../../codec/dtls/messages.ts';

/** Cookie length: a truncated HMAC-SHA256 is enough against off-path address spoofing. */
export const COOKIE_BYTES = 16;

/** Makes and checks cookies; `now` is injectable so tests can step through a rotation. */
export class CookieJar {
  private current = randomBytes(32);
  private previous = randomBytes(32);
  private rotatedAtMs: number;

  constructor(
    private readonly rotateEveryMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {
    this.rotatedAtMs = now();
  }

  private rotateIfDue(): void {
    if (this.now() - this.rotatedAtMs < this.rotateEveryMs) return;
    this.previous = this.current;
    this.current = randomBytes(32);
    this.rotatedAtMs = this.now();
  }

  private mac(secret: Uint8Array, peer: string, hello: ClientHello): Uint8Array {
    // The cookie covers the hello as it will be resent, minus the cookie itself (RFC 6347 §4.2.1).
    const params = encodeClientHello({ ...hello, cookie: new Uint8Array(0) });
    const digest = createHmac('sha256', secret).update(concatBytes(Buffer.from(peer, 'utf8'), params)).digest();
    return new Uint8Array(digest.subarray(0, COOKIE_BYTES));
  }

  /** The cookie for this peer (`address:port`) and hello. */
  make(peer: string, hello: ClientHello): Uint8Array {
    this.rotateIfDue();
    return this.mac(this.current, peer, hello);
  }

  /** Whether the hello's cookie was made for this peer and these parameters by a recent secret. */
  verify(peer: string, hello: ClientHello): boolean {
    this.rotateIfDue();
    if (hello.cookie.length !== COOKIE_BYTES) return false;
    return [this.current, this.previous].some((secret) => timingSafeEqual(this.mac(secret, peer, hello), hello.cookie));
  }
}
