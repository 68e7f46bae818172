// Certificates written as DER directly (pki/certificate-der.ts) must be the bytes @peculiar/x509 wrote for the same
// inputs, and the names read straight from DER (contracts crypto/certificate-der.ts) what a full parser reads.
import { KeyObject, X509Certificate } from "node:crypto";
import { certificateNames } from "@imesim/contracts/crypto";
import * as pkijs from "pkijs";
import { beforeAll, describe, expect, it } from "vitest";
import { type CertificateAuthority, generateRsaKeys, rsaSigning } from "../../src/pki/authority.ts";
import { certificatePem, nameDer, signedCertificateDer } from "../../src/pki/certificate-der.ts";
import { x509 } from "../../src/pki/x509.ts";
import { authority } from "./fixtures.ts";

const deviceUsages = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment;

/** The extensions the CA gives a leaf, made with @peculiar/x509 as authority.ts did before. */
async function leafExtensions(
  ca: CertificateAuthority,
  extendedUsages: string[],
  dnsNames: string[] = [],
): Promise<x509.Extension[]> {
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(deviceUsages, true),
    new x509.ExtendedKeyUsageExtension(extendedUsages, false),
    await x509.AuthorityKeyIdentifierExtension.create(ca.root.certificate, false),
  ];
  if (dnsNames.length > 0)
    extensions.push(
      new x509.SubjectAlternativeNameExtension(
        dnsNames.map((value) => ({ type: "dns" as const, value })),
        false,
      ),
    );
  return extensions;
}

/** What @peculiar/x509 writes for these inputs (authority.ts's issue before this change). */
async function byPeculiar(
  ca: CertificateAuthority,
  fields: { serialNumber: string; subject: string; notBefore: Date; notAfter: Date; publicKey: CryptoKey },
  extensions: x509.Extension[],
): Promise<Buffer> {
  const certificate = await x509.X509CertificateGenerator.create({
    ...fields,
    issuer: ca.root.certificate.subject,
    signingAlgorithm: rsaSigning,
    signingKey: ca.root.privateKey,
    extensions,
  });
  return Buffer.from(certificate.rawData);
}

describe("certificates written as DER", () => {
  let ca: CertificateAuthority;
  let keys: CryptoKeyPair;
  beforeAll(async () => {
    ca = await authority();
    keys = await generateRsaKeys();
  });

  it("are byte for byte what @peculiar/x509 writes: serials, UTCTime and GeneralizedTime, simple and other names", async () => {
    const cases = [
      {
        serialNumber: "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
        subject: "CN=3f2504e0-4f89-41d3-9a0c-0305e82c3301",
      },
      // Leading zero octets are dropped; a set top bit gets a 00 in front.
      { serialNumber: "00ff1b2c3d4e5f60718293a4b5c6d7e8", subject: "CN=host.example-1" },
      { serialNumber: "00001b2c3d4e5f60718293a4b5c6d7e8", subject: "CN=imesim token signing" },
      { serialNumber: "7f", subject: 'CN="quoted, name", O=imesim' },
    ];
    const extensions = await leafExtensions(ca, [x509.ExtendedKeyUsage.clientAuth]);
    const rootKey = KeyObject.from(ca.root.privateKey);
    const spki = KeyObject.from(keys.publicKey).export({ type: "spki", format: "der" });
    for (const [index, { serialNumber, subject }] of cases.entries()) {
      // 2049 is the last UTCTime year (RFC 5280 §4.1.2.5); milliseconds are dropped.
      const notBefore = new Date(Date.UTC(2026, 11, 5, 9, 8, 7, 654));
      const notAfter = new Date(Date.UTC(index % 2 === 0 ? 2049 : 2050, 0, 1, 0, 0, 0, 999));
      const expected = await byPeculiar(
        ca,
        { serialNumber, subject, notBefore, notAfter, publicKey: keys.publicKey },
        extensions,
      );
      const written = signedCertificateDer(
        {
          serialNumber,
          issuerDer: nameDer(ca.root.certificate.subject),
          subjectDer: nameDer(subject),
          notBefore,
          notAfter,
          subjectPublicKeyInfoDer: spki,
          extensionsDer: extensions.map((extension) => Buffer.from(extension.rawData)),
        },
        rootKey,
      );
      expect(written.toString("hex"), subject).toBe(expected.toString("hex"));
      expect(certificatePem(written)).toBe(new x509.X509Certificate(new Uint8Array(written)).toString("pem"));
    }
  });

  it("the authority issues what @peculiar/x509 issued for the same serial and dates, and refuses a zero serial", async () => {
    for (const options of [
      {
        subject: "CN=0b7c1e2a-5d3f-4c8e-9a1b-2c3d4e5f6a7b",
        extendedUsages: [x509.ExtendedKeyUsage.clientAuth],
      },
      {
        subject: "CN=localhost",
        extendedUsages: [x509.ExtendedKeyUsage.serverAuth],
        dnsNames: ["localhost"],
      },
    ]) {
      const issued = await ca.issueDer({
        ...options,
        publicKey: keys.publicKey,
        validDays: 365,
        usages: deviceUsages,
      });
      const read = new x509.X509Certificate(new Uint8Array(issued));
      const expected = await byPeculiar(
        ca,
        {
          serialNumber: read.serialNumber,
          subject: options.subject,
          notBefore: read.notBefore,
          notAfter: read.notAfter,
          publicKey: keys.publicKey,
        },
        await leafExtensions(ca, options.extendedUsages, options.dnsNames),
      );
      expect(issued.toString("hex")).toBe(expected.toString("hex"));
      expect(new X509Certificate(issued).verify(new X509Certificate(ca.root.certificatePem).publicKey)).toBe(
        true,
      );
    }
    expect(() =>
      signedCertificateDer(
        {
          serialNumber: "0000",
          issuerDer: nameDer("CN=a"),
          subjectDer: nameDer("CN=b"),
          notBefore: new Date(),
          notAfter: new Date(),
          subjectPublicKeyInfoDer: Buffer.alloc(0),
          extensionsDer: [],
        },
        KeyObject.from(ca.root.privateKey),
      ),
    ).toThrow(/serial 0000/);
  });
});

describe("certificate names read from DER", () => {
  it("are the issuer, serial, IssuerAndSerialNumber, key id and public key a full parser finds", async () => {
    const ca = await authority();
    const keys = await generateRsaKeys();
    const leaf = await ca.issueDer({
      subject: "CN=device",
      publicKey: keys.publicKey,
      validDays: 30,
      usages: deviceUsages,
      extendedUsages: [x509.ExtendedKeyUsage.clientAuth],
    });
    // The root carries a SubjectKeyIdentifier; the leaf does not.
    for (const der of [Buffer.from(ca.root.certificate.rawData), leaf]) {
      const parsed = pkijs.Certificate.fromBER(new Uint8Array(der));
      const names = certificateNames(der);
      const ski = parsed.extensions?.find((extension) => extension.extnID === "2.5.29.14");
      expect(names).toEqual({
        issuerDer: Buffer.from(parsed.issuer.toSchema().toBER()),
        serialNumber: Buffer.from(parsed.serialNumber.valueBlock.valueHexView),
        issuerAndSerialNumberDer: Buffer.from(
          new pkijs.IssuerAndSerialNumber({ issuer: parsed.issuer, serialNumber: parsed.serialNumber })
            .toSchema()
            .toBER(),
        ),
        subjectKeyId:
          ski === undefined
            ? undefined
            : Buffer.from(
                (ski.parsedValue as { valueBlock: { valueHexView: Uint8Array } }).valueBlock.valueHexView,
              ),
        subjectPublicKeyInfoDer: Buffer.from(parsed.subjectPublicKeyInfo.toSchema().toBER()),
      });
      // The same SubjectPublicKeyInfo node:crypto exports for the certificate's key.
      expect(names?.subjectPublicKeyInfoDer).toEqual(
        new X509Certificate(der).publicKey.export({ type: "spki", format: "der" }),
      );
    }
    expect(certificateNames(leaf.subarray(0, leaf.length - 1))).toBeUndefined();
    expect(certificateNames(Buffer.from("3003020101", "hex"))).toBeUndefined();
  });
});
