// Small random values the mock hands out per request or per device (DecryptInfo IVs, certificate serials, device
// refresh tokens) are cut from blocks the CSPRNG fills at once: in a busy fleet process one randomBytes call of a few
// dozen bytes cost 10–30 µs of OpenSSL set-up, and a block of 256 pieces costs about as much as one (issue 18). The
// bytes are the same CSPRNG's either way.
import { randomFillSync } from "node:crypto";

/**
 * A source of `size`-byte random pieces, cut from blocks of `perBlock` pieces; no byte is handed out twice. A piece is
 * a view of the current block, which the draw after the block's last piece refills: use it at once, or copy it.
 */
export function randomDraws(size: number, perBlock = 256): () => Buffer {
  // Its own memory, not a pool slab (kept-bytes.ts): the block lives as long as the process.
  const block = Buffer.allocUnsafeSlow(size * perBlock);
  let offset = block.length;
  return () => {
    if (offset + size > block.length) {
      randomFillSync(block);
      offset = 0;
    }
    offset += size;
    return block.subarray(offset - size, offset);
  };
}
