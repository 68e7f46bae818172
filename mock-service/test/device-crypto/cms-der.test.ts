// The CMS pieces written out as hex (contracts crypto/cms-der.ts) are what pkijs serialises for the same structures.
import {
  AES_256_CBC_OID,
  AES_CBC_OIDS,
  DATA_OID,
  ENVELOPED_DATA_OID,
  OAEP_SHA256,
} from "@imesim/contracts/crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { describe, expect, it } from "vitest";

const oidDer = (oid: string) => Buffer.from(new asn1js.ObjectIdentifier({ value: oid }).toBER());

describe("CMS DER constants", () => {
  it("are pkijs's serialisations of the OIDs and of RSAES-OAEP with SHA-256 and MGF1-SHA-256", () => {
    expect(ENVELOPED_DATA_OID).toEqual(oidDer("1.2.840.113549.1.7.3"));
    expect(DATA_OID).toEqual(oidDer("1.2.840.113549.1.7.1"));
    expect(AES_256_CBC_OID).toEqual(oidDer("2.16.840.1.101.3.4.1.42"));
    expect(AES_CBC_OIDS.map(([der, name]) => [der.toString("hex"), name])).toEqual(
      [
        ["2.16.840.1.101.3.4.1.2", "aes-128-cbc"],
        ["2.16.840.1.101.3.4.1.22", "aes-192-cbc"],
        ["2.16.840.1.101.3.4.1.42", "aes-256-cbc"],
      ].map(([oid, name]) => [oidDer(oid as string).toString("hex"), name]),
    );
    const sha256 = new pkijs.AlgorithmIdentifier({
      algorithmId: "2.16.840.1.101.3.4.2.1",
      algorithmParams: new asn1js.Null(),
    });
    const oaep = new pkijs.AlgorithmIdentifier({
      algorithmId: "1.2.840.113549.1.1.7",
      algorithmParams: new pkijs.RSAESOAEPParams({
        hashAlgorithm: sha256,
        maskGenAlgorithm: new pkijs.AlgorithmIdentifier({
          algorithmId: "1.2.840.113549.1.1.8",
          algorithmParams: sha256.toSchema(),
        }),
      }).toSchema(),
    });
    expect(OAEP_SHA256).toEqual(Buffer.from(oaep.toSchema().toBER()));
  });
});
