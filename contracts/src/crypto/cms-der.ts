// The fixed DER pieces of the one CMS EnvelopedData shape the mock seals DecryptInfo in and the agent reads directly
// (ime.md §3.2; RFC 5652 §6, RFC 4055 §4.1, NIST CSOR). Written out once here, so neither side needs an ASN.1
// library loaded to make or compare them (mock-service test/device-crypto/cms-der.test.ts checks them against pkijs).

const hex = (value: string) => Buffer.from(value.replace(/\s+/g, ""), "hex");

/** OID 1.2.840.113549.1.7.3 (id-envelopedData) as a DER TLV. */
export const ENVELOPED_DATA_OID = hex("06 09 2a864886f70d010703");
/** OID 1.2.840.113549.1.7.1 (id-data) as a DER TLV. */
export const DATA_OID = hex("06 09 2a864886f70d010701");
/**
 * AlgorithmIdentifier { id-RSAES-OAEP, RSAES-OAEP-params { [0] sha256, [1] mgf1 { sha256 } } } with NULL
 * parameters on each SHA-256 (RFC 4055 §4.1) and the label left as its default.
 */
export const OAEP_SHA256 = hex(`
  30 3c 06 09 2a864886f70d010107 30 2f
    a0 0f 30 0d 06 09 608648016503040201 05 00
    a1 1c 30 1a 06 09 2a864886f70d010108 30 0d 06 09 608648016503040201 05 00
`);
/** OID 2.16.840.1.101.3.4.1.42 (id-aes256-CBC) as a DER TLV: the cipher the mock seals with. */
export const AES_256_CBC_OID = hex("06 09 60864801650304012a");
/** AES-CBC content ciphers by the DER of their OID (NIST CSOR), with node:crypto's cipher names. */
export const AES_CBC_OIDS: ReadonlyArray<readonly [Buffer, string]> = [
  [hex("06 09 608648016503040102"), "aes-128-cbc"],
  [hex("06 09 608648016503040116"), "aes-192-cbc"],
  [AES_256_CBC_OID, "aes-256-cbc"],
];
