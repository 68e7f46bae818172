import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isImesimError } from "../../src/errors/index.ts";
import {
  decodeAppListPayload,
  decodePolicyListPayload,
  encodeAppListPayload,
  encodePolicyListPayload,
  GatewayContractErrorCode,
} from "../../src/gateway/index.ts";
import { parsePolicies } from "../../src/ime/index.ts";

const realPolicies = readFileSync(
  new URL("../fixtures/policies/get-policies-s16-available-script-installer.txt", import.meta.url),
  "utf8",
).trim();

/** Builds a payload by hand: prefix ‖ gzip(json), with a prefix of our choosing. */
function payloadWithPrefix(json: string, declaredLength: number): string {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32LE(declaredLength, 0);
  return Buffer.concat([prefix, gzipSync(Buffer.from(json, "utf8"))]).toString("base64");
}

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("app-list payload codec (ime.md §3.1 item 4)", () => {
  it("writes the uncompressed UTF-8 length as a 4-byte little-endian prefix before gzip", () => {
    const payload = Buffer.from(encodeAppListPayload(realPolicies), "base64");
    expect(payload.readUInt32LE(0)).toBe(Buffer.byteLength(realPolicies, "utf8"));
    expect([payload[4], payload[5]]).toEqual([0x1f, 0x8b]);
  });

  it("round-trips the real policy list to the same text and the same decoded policies", () => {
    const payload = encodeAppListPayload(realPolicies);
    expect(decodeAppListPayload(payload)).toBe(realPolicies);
    const policies = parsePolicies(realPolicies);
    expect(decodePolicyListPayload(encodePolicyListPayload(policies))).toEqual(policies);
  });

  it("round-trips any text, including non-ASCII and empty", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        expect(decodeAppListPayload(encodeAppListPayload(text))).toBe(text);
      }),
    );
  });

  it.each([
    ["too small", -1],
    ["too large", +1],
    ["zero", "zero"],
  ] as const)("rejects a length prefix that disagrees with the content (%s)", (_name, delta) => {
    const bytes = Buffer.byteLength(realPolicies, "utf8");
    const declared = delta === "zero" ? 0 : bytes + delta;
    const error = errorOf(() => decodeAppListPayload(payloadWithPrefix(realPolicies, declared)));
    expect(isImesimError(error, GatewayContractErrorCode.PayloadLengthMismatch)).toBe(true);
    expect((error as Error).message).toContain(`says ${declared} bytes`);
    expect((error as { path?: string }).path).toBe("ResponsePayload");
  });

  it.each([
    ["not base64", "@@not base64@@"],
    ["shorter than the prefix", Buffer.from([1, 0]).toString("base64")],
    ["not gzip after the prefix", Buffer.from([4, 0, 0, 0, 1, 2, 3, 4]).toString("base64")],
    [
      "declaring more than the size limit",
      Buffer.from([0xff, 0xff, 0xff, 0xff, 0x1f, 0x8b]).toString("base64"),
    ],
  ])("rejects a payload %s as GATEWAY_PAYLOAD_INVALID", (_name, payload) => {
    expect(
      isImesimError(
        errorOf(() => decodeAppListPayload(payload)),
        GatewayContractErrorCode.PayloadInvalid,
      ),
    ).toBe(true);
  });

  it("never throws anything but an ImesimError on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeAppListPayload(Buffer.from(bytes).toString("base64"));
        } catch (error) {
          expect(isImesimError(error)).toBe(true);
        }
      }),
    );
  });
});
