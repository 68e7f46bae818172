export { type CertificateNames, certificateNames } from "./certificate-der.ts";
export { AES_256_CBC_OID, AES_CBC_OIDS, DATA_OID, ENVELOPED_DATA_OID, OAEP_SHA256 } from "./cms-der.ts";
export { childrenOf, DER_TAG, der, type Tlv, tlvAt } from "./der.ts";
export {
  type JwtExpectations,
  JwtRejected,
  type JwtRejection,
  signJwtRs256,
  type VerifiedJwt,
  verifyJwtRs256,
} from "./jws.ts";
