export { type CertificateNames, certificateNames } from "./certificate-der.ts";
export { childrenOf, DER_TAG, der, type Tlv, tlvAt } from "./der.ts";
export {
  type JwtExpectations,
  JwtRejected,
  type JwtRejection,
  signJwtRs256,
  type VerifiedJwt,
  verifyJwtRs256,
} from "./jws.ts";
