// CRC-32 of a concatenation from the CRCs of its parts (zlib's crc32_combine, GF(2) matrix method).
// Needed because the encrypted file's first 32 bytes (the HMAC) are known only after the rest is written,
// and chunk CRCs computed in worker threads must be joined in order. Node's zlib has crc32 but no combine.

const GF2_DIM = 32;

function gf2MatrixTimes(matrix: Uint32Array, vector: number): number {
  let sum = 0;
  let index = 0;
  let v = vector >>> 0;
  while (v !== 0) {
    if (v & 1) sum ^= matrix[index] as number;
    v >>>= 1;
    index += 1;
  }
  return sum >>> 0;
}

function gf2MatrixSquare(square: Uint32Array, matrix: Uint32Array): void {
  for (let n = 0; n < GF2_DIM; n += 1) square[n] = gf2MatrixTimes(matrix, matrix[n] as number);
}

/** CRC-32 of A‖B given crc(A), crc(B) and the byte length of B. */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  if (lengthB <= 0) return crcA >>> 0;
  const even = new Uint32Array(GF2_DIM);
  const odd = new Uint32Array(GF2_DIM);
  odd[0] = 0xedb88320; // the CRC-32 polynomial, reflected
  let row = 1;
  for (let n = 1; n < GF2_DIM; n += 1) {
    odd[n] = row;
    row <<= 1;
  }
  gf2MatrixSquare(even, odd); // two zero bits
  gf2MatrixSquare(odd, even); // four zero bits
  let crc = crcA >>> 0;
  // Lengths beyond 2^53 cannot occur (Intune caps content at 30 GB), so plain division is exact.
  let remaining = lengthB;
  do {
    gf2MatrixSquare(even, odd);
    if (remaining % 2 === 1) crc = gf2MatrixTimes(even, crc);
    remaining = Math.floor(remaining / 2);
    if (remaining === 0) break;
    gf2MatrixSquare(odd, even);
    if (remaining % 2 === 1) crc = gf2MatrixTimes(odd, crc);
    remaining = Math.floor(remaining / 2);
  } while (remaining !== 0);
  return (crc ^ crcB) >>> 0;
}
