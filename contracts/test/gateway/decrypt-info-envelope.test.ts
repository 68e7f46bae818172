// The DecryptInfo envelope is written and read without the XML builder and parser when it has the one shape the
// service writes (issue 18). The result must be what the builder and parser give, for that shape and any other.
import { randomBytes } from "node:crypto";
import { XMLBuilder, XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { encodeDecryptInfoEnvelope, parseDecryptInfoEnvelope } from "../../src/gateway/index.ts";

const builder = new XMLBuilder({ suppressEmptyNode: false });
const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true });

describe("DecryptInfo envelope without the XML library", () => {
  it("writes and reads exactly what the builder and parser do for base64 content", () => {
    for (const size of [1, 2, 3, 16, 300, 1500]) {
      const content = randomBytes(size).toString("base64");
      const written = encodeDecryptInfoEnvelope(content);
      expect(written).toBe(builder.build({ EncryptedMessage: { EncryptedContent: content } }));
      expect(parseDecryptInfoEnvelope(written)).toBe(parser.parse(written).EncryptedMessage.EncryptedContent);
    }
  });

  it("leaves other text to the library: escaped characters, whitespace, other elements, declarations", () => {
    expect(encodeDecryptInfoEnvelope("a<b&c")).toBe(
      builder.build({ EncryptedMessage: { EncryptedContent: "a<b&c" } }),
    );
    for (const xml of [
      "<EncryptedMessage>\n  <EncryptedContent> QUJD </EncryptedContent>\n</EncryptedMessage>",
      '<?xml version="1.0"?><EncryptedMessage><EncryptedContent>QUJD</EncryptedContent></EncryptedMessage>',
      "<EncryptedMessage><Other>x</Other><EncryptedContent>QUJD</EncryptedContent></EncryptedMessage>",
      "<EncryptedMessage><EncryptedContent>QU&#74;D</EncryptedContent></EncryptedMessage>",
    ])
      expect(parseDecryptInfoEnvelope(xml)).toBe(String(parser.parse(xml).EncryptedMessage.EncryptedContent));
    // Empty content and a broken document are still refused by the library's path.
    expect(() =>
      parseDecryptInfoEnvelope("<EncryptedMessage><EncryptedContent></EncryptedContent></EncryptedMessage>"),
    ).toThrow(expect.objectContaining({ code: "GATEWAY_INVALID" }));
    expect(() =>
      parseDecryptInfoEnvelope("<EncryptedMessage><EncryptedContent>QUJD</EncryptedContent>"),
    ).toThrow(expect.objectContaining({ code: "GATEWAY_INVALID" }));
  });
});
