// DecryptInfo names its recipient by IssuerAndSerialNumber (RFC 5652 §10.2.4). The service writes it from the
// certificate's own issuer bytes instead of rebuilding it with pkijs; the bytes must be the ones pkijs writes.
import { parseDecryptInfoEnvelope } from "@imesim/contracts/gateway";
import * as pkijs from "pkijs";
import { describe, expect, it } from "vitest";
import { sealDecryptInfo } from "../../src/gateway/decrypt-info.ts";
import { fromPem } from "../../src/pki/authority.ts";
import { authority, deviceOf, fileKeys } from "./fixtures.ts";

/** The DER of the `rid` of a DecryptInfo's one recipient. */
function recipientIdOf(envelope: string): string {
  const content = pkijs.ContentInfo.fromBER(
    new Uint8Array(Buffer.from(parseDecryptInfoEnvelope(envelope), "base64")),
  );
  const recipient = new pkijs.EnvelopedData({ schema: content.content }).recipientInfos[0]
    ?.value as pkijs.KeyTransRecipientInfo;
  return Buffer.from((recipient.rid as pkijs.IssuerAndSerialNumber).toSchema().toBER()).toString("hex");
}

describe("DecryptInfo's recipient id", () => {
  it("is the IssuerAndSerialNumber pkijs builds from the device certificate", async () => {
    const ca = await authority();
    for (let device = 0; device < 2; device += 1) {
      const { certificatePem } = await deviceOf(ca);
      const certificate = pkijs.Certificate.fromBER(new Uint8Array(fromPem(certificatePem)));
      const expected = new pkijs.IssuerAndSerialNumber({
        issuer: new pkijs.RelativeDistinguishedNames({ schema: certificate.issuer.toSchema() }),
        serialNumber: certificate.serialNumber,
      });
      expect(recipientIdOf(sealDecryptInfo(certificatePem, fileKeys))).toBe(
        Buffer.from(expected.toSchema().toBER()).toString("hex"),
      );
    }
  });
});
