import { webcrypto } from "node:crypto";
import { encodeDecryptInfo, encodeDecryptInfoEnvelope } from "@imesim/contracts/gateway";
import * as pkijs from "pkijs";
import { fromPem } from "../pki/authority.ts";
import type { FileEncryptionInfo } from "../store/records.ts";

pkijs.setEngine("imesim", new pkijs.CryptoEngine({ name: "imesim", crypto: webcrypto as unknown as Crypto }));

/**
 * The `DecryptInfo` of GetContentInfo (ime.md §3.2): the file's keys as JSON, enveloped as CMS
 * EnvelopedData to the device's MDM certificate, base64 inside `<EncryptedMessage>`. Key transport
 * is RSA-OAEP (SHA-256) and the content cipher AES-256-CBC: the real algorithms are not recorded
 * in the reference, and WebCrypto offers no RSA PKCS#1 v1.5 encryption, so OAEP is the choice.
 */
export async function sealDecryptInfo(certificatePem: string, info: FileEncryptionInfo): Promise<string> {
  const json = encodeDecryptInfo({
    EncryptionKey: info.encryptionKey,
    IV: info.initializationVector,
    MacKey: info.macKey,
    Mac: info.mac,
    ProfileIdentifier: "ProfileVersion1",
    FileDigest: info.fileDigest,
    FileDigestAlgorithm: "SHA256",
  });
  const certificate = pkijs.Certificate.fromBER(new Uint8Array(fromPem(certificatePem)));
  const enveloped = new pkijs.EnvelopedData();
  enveloped.addRecipientByCertificate(certificate, { oaepHashAlgorithm: "SHA-256" }, 1);
  const plain = Buffer.from(json, "utf8");
  await enveloped.encrypt(
    { name: "AES-CBC", length: 256 } as Algorithm,
    plain.buffer.slice(plain.byteOffset, plain.byteOffset + plain.length),
  );
  const content = new pkijs.ContentInfo({
    contentType: pkijs.ContentInfo.ENVELOPED_DATA,
    content: enveloped.toSchema(),
  });
  return encodeDecryptInfoEnvelope(Buffer.from(content.toSchema().toBER()).toString("base64"));
}
