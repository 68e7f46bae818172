// A gateway app list as the wire carries it, encoded once per distinct list text. The devices of a fleet share
// their assignments, so thousands of them get byte-for-byte the same policy JSON; gzip and base64 of that text
// (ime.md §3.1 item 4) were most of an app-list answer's time and each device kept its own copy of the result.
// The list is still derived per device (its groups, its filters); devices whose lists are made of the same shared
// policies get one array (device-policies.ts), serialised once. The encoding, a pure function of the text, is also
// shared by text, so two devices whose lists differ in any byte get their own payloads.
import { encodeAppListPayload } from "@imesim/contracts/gateway";
import { type DecodedImePolicy, serializePolicies } from "@imesim/contracts/ime";
import { deviceCache } from "../device-cache.ts";

// Distinct app lists a fleet's devices receive at once: one per assignment set and filter outcome, a few per
// tenant. Keys are the list texts (a few KB each), so the bound is lower than the per-device caches'.
const ENCODED_LISTS = 256;

/**
 * Encodes policy lists as app-list payloads, remembering the last ENCODED_LISTS encodings by their text.
 * `encode` is the wire encoding (tests count its calls).
 */
export function createAppListEncoder(
  encode: (jsonText: string) => string = encodeAppListPayload,
): (policies: readonly DecodedImePolicy[]) => string {
  const encoded = deviceCache<string>(ENCODED_LISTS);
  // By list object: a shared list (read-only) is serialised once, not once per device that receives it.
  const byList = new WeakMap<readonly DecodedImePolicy[], string>();
  return (policies) => {
    const listed = byList.get(policies);
    if (listed !== undefined) return listed;
    const text = serializePolicies(policies);
    let payload = encoded.get(text);
    if (payload === undefined) {
      payload = encode(text);
      encoded.set(text, payload);
    }
    byList.set(policies, payload);
    return payload;
  };
}
