// DER (X.690 §8, §10) read and written directly, for the few structures the service and the agent touch per device
// or per request (certificates, CMS envelopes): building pkijs or @peculiar/asn1-schema objects for them cost far
// more than the cryptography they carry. Readers answer undefined for anything outside plain DER instead of
// guessing, so a caller can fall back to a full parser.

/** Tag bytes used here: universal types, and the context-specific tags certificates and CMS use. */
export const DER_TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  objectIdentifier: 0x06,
  printableString: 0x13,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
  /** [0] IMPLICIT of a primitive type (e.g. EncryptedContentInfo's encryptedContent). */
  contextPrimitive0: 0x80,
  /** [0] EXPLICIT, or [0] IMPLICIT of a constructed type. */
  contextConstructed0: 0xa0,
  /** [3] EXPLICIT (a certificate's extensions). */
  contextConstructed3: 0xa3,
} as const;

/** One tag-length-value: its tag byte and where it and its contents lie in the buffer. */
export interface Tlv {
  readonly tag: number;
  /** Offset of the first byte of the TLV (its tag). */
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

/** The TLV at `offset`, or undefined for a multi-byte tag, an indefinite length (BER) or one that overruns `limit`. */
export function tlvAt(bytes: Uint8Array, offset: number, limit: number): Tlv | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = bytes[offset] as number;
  if ((tag & 0x1f) === 0x1f) return undefined;
  let length = bytes[offset + 1] as number;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    // 0x80 is BER's indefinite form; more than four length octets is no structure of ours.
    if (count === 0 || count > 4 || contentStart + count > limit) return undefined;
    length = 0;
    for (let index = 0; index < count; index += 1)
      length = length * 256 + (bytes[contentStart + index] as number);
    contentStart += count;
  }
  const end = contentStart + length;
  return end > limit ? undefined : { tag, start: offset, contentStart, end };
}

/** The children of a constructed TLV, or undefined when they do not exactly fill it. */
export function childrenOf(bytes: Uint8Array, parent: Tlv): Tlv[] | undefined {
  const children: Tlv[] = [];
  let offset = parent.contentStart;
  while (offset < parent.end) {
    const child = tlvAt(bytes, offset, parent.end);
    if (child === undefined) return undefined;
    children.push(child);
    offset = child.end;
  }
  return children;
}

/** How many octets the long definite form of `length` takes after its first (X.690 §8.1.3.5); 0 for the short form. */
function longLengthCount(length: number): number {
  let count = 0;
  if (length >= 0x80) for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) count += 1;
  return count;
}

/**
 * One tag-length-value with `parts` concatenated as its contents (definite-form length, X.690 §8.1.3), written into
 * one buffer: a CMS envelope nests a dozen of these per GetContentInfo, and a buffer each for the tag and the length
 * octets and a list for Buffer.concat were garbage the moment they were joined (issue 18).
 */
export function der(tag: number, ...parts: readonly Uint8Array[]): Buffer {
  // Indexed: the array iterator's result objects were ~9 KB of garbage per fleet device (issue 18).
  let length = 0;
  for (let index = 0; index < parts.length; index += 1) length += parts[index]!.length;
  const count = longLengthCount(length);
  const contentStart = 2 + count;
  const out = Buffer.allocUnsafe(contentStart + length);
  out[0] = tag;
  out[1] = count === 0 ? length : 0x80 | count;
  for (let index = count, rest = length; index > 0; index -= 1, rest = Math.floor(rest / 256))
    out[1 + index] = rest & 0xff;
  let offset = contentStart;
  for (let index = 0; index < parts.length; index += 1) {
    const part = parts[index]!;
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
