/**
 * CoAP codec throughput: messages encoded and decoded per second for a typical LwM2M Register
 * (Uri-Path, Content-Format, Uri-Query ×4, link-format payload) and a piggybacked 2.05 TLV read
 * response (Zephyr's answer to GET /3/0, from the captures), each loop bounded in time.
 */
import { fromHex } from '../src/core/bytes.ts';
import { decodeCoap, encodeCoap, type CoapMessage } from '../src/codec/coap/message.ts';
import { uintOptionValue, uriPathOptions, uriQueryOptions } from '../src/codec/coap/access.ts';
import { isMainModule } from './is-main.ts';
import { perSecond } from './codec-throughput.ts';

/** Zephyr v4.0 (LwM2M 1.0) response to GET /3/0 Accept TLV: captures/lwm2m-registrations.jsonl line 2. */
const TLV_READ_RESPONSE_HEX =
  '64453b01c0de0101c22d16ffc6005a6570687972c801174f4d412d4c574d324d2053616d706c6520436c69656e74c80209333435303030313233c303312e30860641000141010588070842000ed842011388870841007d42010384c1095fc10a0f830b410000c10d01c00ec00fc11055c8110a6e61746976655f73696dc512312e302e31c013c11401c11519';

function sampleRegister(): CoapMessage {
  return {
    type: 'CON',
    code: '0.02',
    messageId: 0x1234,
    token: fromHex('8a90586300000000'),
    options: [...uriPathOptions('/rd'), uintOptionValue(12, 40), ...uriQueryOptions(['lwm2m=1.1', 'ep=native_sim_lwm2m11', 'lt=30', 'b=U'])],
    payload: new TextEncoder().encode('</>;ct=112,</1/0>,</3/0>,</5/0>,</3303/0>,</3311/0>,</3340/0>'),
  };
}

/** Figures of the CoAP codec bench. */
export interface CoapBenchFigures {
  /** Register: encode then decode counts as one message. */
  registerEncodeDecodePerSec: number;
  /** 2.05 TLV read response (140 bytes): decode then re-encode counts as one message. */
  tlvReadResponseDecodeEncodePerSec: number;
  registerBytes: number;
  tlvReadResponseBytes: number;
}

/** Run each loop for about `durationMs`. */
export function benchCoap(durationMs: number): CoapBenchFigures {
  const register = sampleRegister();
  const registerBytes = encodeCoap(register).length;
  const response = fromHex(TLV_READ_RESPONSE_HEX);
  const registerPerSec = perSecond(durationMs, (i) => {
    const d = decodeCoap(encodeCoap({ ...register, messageId: i & 0xffff }));
    if (!d.ok || d.value.options.length !== 6) throw new Error('CoAP Register round trip failed');
  });
  const responsePerSec = perSecond(durationMs, () => {
    const d = decodeCoap(response);
    if (!d.ok || encodeCoap(d.value).length !== response.length) throw new Error('CoAP 2.05 round trip failed');
  });
  return { registerEncodeDecodePerSec: registerPerSec, tlvReadResponseDecodeEncodePerSec: responsePerSec, registerBytes, tlvReadResponseBytes: response.length };
}

if (isMainModule(import.meta.url)) process.stdout.write(`${JSON.stringify(benchCoap(1000), null, 2)}\n`);
