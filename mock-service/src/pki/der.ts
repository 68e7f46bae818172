// A few DER building blocks (X.690 §8, §10) for structures assembled per request, where building pkijs
// objects and serialising them cost far more than the cryptography they carry.

/** Tag bytes used here: universal INTEGER, OCTET STRING, SEQUENCE, SET, and context-specific [0]. */
export const DER_TAG = {
  integer: 0x02,
  octetString: 0x04,
  sequence: 0x30,
  set: 0x31,
  /** [0] IMPLICIT of a primitive type (e.g. EncryptedContentInfo's encryptedContent). */
  contextPrimitive0: 0x80,
  /** [0] EXPLICIT, or [0] IMPLICIT of a constructed type. */
  contextConstructed0: 0xa0,
} as const;

/** The definite-form length octets of `length` (X.690 §8.1.3). */
function lengthOctets(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One tag-length-value with `parts` concatenated as its contents. */
export function der(tag: number, ...parts: readonly Uint8Array[]): Buffer {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  return Buffer.concat([Buffer.from([tag]), lengthOctets(length), ...parts]);
}
