import { gunzipSync, gzipSync } from "node:zlib";
import { ImesimError } from "../errors/index.ts";
import { type DecodedImePolicy, parsePolicies, serializePolicies } from "../ime/index.ts";
import { GatewayContractErrorCode } from "./error-codes.ts";

/** Largest app list we decompress: far above any real tenant (a policy is a few KB), far below memory limits. */
export const MAX_APP_LIST_BYTES = 256 * 1024 * 1024;
const LENGTH_PREFIX_BYTES = 4;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Encodes app-list JSON text as the gateway sends it: base64(4-byte LE uncompressed length ‖ gzip(JSON)) (ime.md §3.1 item 4). */
export function encodeAppListPayload(jsonText: string): string {
  const json = Buffer.from(jsonText, "utf8");
  const prefix = Buffer.alloc(LENGTH_PREFIX_BYTES);
  prefix.writeUInt32LE(json.length, 0);
  return Buffer.concat([prefix, gzipSync(json)]).toString("base64");
}

/** How many distinct payloads decodeAppListPayload remembers: a device's lists per session and kind, and a few more. */
const DECODED_PAYLOADS = 8;
/** Decoded JSON text by payload text, oldest first. */
const decodedPayloads = new Map<string, string>();

/**
 * Decodes an app-list payload back to its JSON text. Rejects, as ImesimError: text that is not base64,
 * a payload shorter than its prefix, content that is not gzip, and a length prefix that disagrees with the
 * decompressed content (GATEWAY_PAYLOAD_LENGTH_MISMATCH). Decompression stops at the declared length, so a
 * lying prefix cannot make us inflate more than it claims.
 *
 * The text decides the result, and the service answers the same list at every hourly check-in: each distinct
 * payload is decoded once (issue 18: base64, gunzip and UTF-8 decoding were 2% of a simulated month). A rejected
 * payload is not remembered; it throws every time.
 */
export function decodeAppListPayload(payload: string): string {
  const hit = decodedPayloads.get(payload);
  if (hit !== undefined) return hit;
  const json = decodeUncached(payload);
  if (decodedPayloads.size >= DECODED_PAYLOADS)
    decodedPayloads.delete(decodedPayloads.keys().next().value ?? "");
  decodedPayloads.set(payload, json);
  return json;
}

function decodeUncached(payload: string): string {
  if (!BASE64.test(payload)) throw invalid("ResponsePayload is not base64");
  const bytes = Buffer.from(payload, "base64");
  if (bytes.length < LENGTH_PREFIX_BYTES) {
    throw invalid(`ResponsePayload holds ${bytes.length} bytes, fewer than its 4-byte length prefix`);
  }
  const declared = bytes.readUInt32LE(0);
  if (declared > MAX_APP_LIST_BYTES) {
    throw invalid(
      `ResponsePayload declares ${declared} bytes, more than the ${MAX_APP_LIST_BYTES}-byte limit`,
    );
  }
  const compressed = bytes.subarray(LENGTH_PREFIX_BYTES);
  let json: Buffer;
  try {
    // One byte of headroom lets us tell "exactly the declared length" from "more than declared".
    json = gunzipSync(compressed, { maxOutputLength: declared + 1 });
  } catch (cause) {
    if (cause instanceof RangeError) throw lengthMismatch(declared, `more than ${declared}`);
    throw invalid("ResponsePayload after the length prefix is not valid gzip", cause);
  }
  if (json.length !== declared) throw lengthMismatch(declared, String(json.length));
  return json.toString("utf8");
}

/** Encodes decoded policies as an app-list payload (the mock service's RequestApplication answer). */
export function encodePolicyListPayload(policies: readonly DecodedImePolicy[]): string {
  return encodeAppListPayload(serializePolicies(policies));
}

/** Decodes an app-list payload into checked, decoded policies (the agent's side). */
export function decodePolicyListPayload(payload: string): DecodedImePolicy[] {
  return parsePolicies(decodeAppListPayload(payload));
}

function invalid(message: string, cause?: unknown): ImesimError {
  return new ImesimError(GatewayContractErrorCode.PayloadInvalid, message, {
    path: "ResponsePayload",
    ...(cause === undefined ? {} : { cause }),
  });
}

function lengthMismatch(declared: number, actual: string): ImesimError {
  return new ImesimError(
    GatewayContractErrorCode.PayloadLengthMismatch,
    `ResponsePayload length prefix says ${declared} bytes but the gzip content holds ${actual} bytes`,
    { path: "ResponsePayload" },
  );
}
