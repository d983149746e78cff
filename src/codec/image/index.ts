/** Public surface of the MCUboot image codec. @see spec/smp.md §5 */
export * from './constants.ts';
export type * from './types.ts';
export { parseImageHeader, readImageLayout, parseMcubootImage, isFatalDefect } from './parse.ts';
export { computeImageHash, hashedRegion, hashedRegionLength } from './hash.ts';
export { bootMagic, buildPadding, findTrailer, trailerSize, type TrailerOptions } from './trailer.ts';
export {
  allowedHashAlgs, generateImageKeyPem, imageKeyFromPublicBytes, keyHash, loadImageKey, publicKeyBytes,
  signatureTlvType, signImage, verifyImageSignature, type ImageKey, type ImageKeyKind, type SignInput,
} from './keys.ts';
export { encodeImageHeader, encodeTlvArea, signMcubootImage, type RawTlv, type SignImageOptions } from './sign.ts';
export { verifyMcubootImage, type HashCheck, type ImageVerifyReport, type KeyCheck, type SignatureCheck, type VerifyImageOptions } from './verify.ts';
export { corruptImage, CORRUPTIONS, corruptionInfo, type CorruptedImage, type CorruptionInfo, type CorruptionKind, type CorruptOptions, type DeviceVerdict } from './corrupt.ts';
export { formatImageFlags, formatImageReport, formatImageVersion, imageReportJson, smpImageValues } from './report.ts';
export { ImgMgmtReadInfoErr, readImgMgmtInfo, type ImgMgmtSlotError, type ImgMgmtSlotInfo } from './img-mgmt-info.ts';
export { arbCorruptImage, arbImageOptions, arbImageVersion, arbMcubootImage, KEYLESS_CORRUPTIONS } from './arbitraries.ts';
