import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isImesimError } from "../../src/errors/index.ts";
import {
  parseAppStatusReport,
  parseClientInfo,
  parseContentInfo,
  parseContentInfoPayload,
  parseDecryptInfo,
  parseDecryptInfoEnvelope,
  parseSideCarSession,
  parseWin32AppResultPayload,
  sideCarGatewayUrl,
} from "../../src/gateway/index.ts";

const textParsers = [
  parseClientInfo,
  parseContentInfo,
  parseContentInfoPayload,
  parseDecryptInfo,
  parseAppStatusReport,
  parseWin32AppResultPayload,
  parseDecryptInfoEnvelope,
];

describe("gateway parsers only ever throw ImesimError", () => {
  it("for any text, JSON or not", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        for (const parse of textParsers) {
          try {
            parse(text);
          } catch (error) {
            expect(isImesimError(error)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("for any parsed JSON body", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (body) => {
        for (const parse of [parseSideCarSession, sideCarGatewayUrl]) {
          try {
            parse(body);
          } catch (error) {
            expect(isImesimError(error)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
