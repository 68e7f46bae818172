import { describe, expect, it } from "vitest";
import { isImesimError } from "../../src/errors/index.ts";
import { type DetectionXml, parseDetectionXml, writeDetectionXml } from "../../src/intunewin/index.ts";

// intunewin.md §1.2 "Full example, MSI" (fake values, real shape).
const MSI_EXAMPLE = [
  '<ApplicationInfo xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ToolVersion="1.8.7.0">',
  "  <Name>Contoso Widget</Name>",
  "  <UnencryptedContentSize>2034549</UnencryptedContentSize>",
  "  <FileName>IntunePackage.intunewin</FileName>",
  "  <SetupFile>ContosoWidget.msi</SetupFile>",
  "  <EncryptionInfo>",
  "    <EncryptionKey>3elTEJgPTbqjBnxrNfyAXzLQK1uYLXAHR6T8LrcDYrQ=</EncryptionKey>",
  "    <MacKey>GyHmORXYdwft4QUjKQninHAVsnfwfSm6hsJWnSxyBR8=</MacKey>",
  "    <InitializationVector>co3PlNuWEZBPBaVw4VT1lQ==</InitializationVector>",
  "    <Mac>m8kWE5xjkKUSt0ry67SXG8hXdyutAx1QRZxjC4o0DVY=</Mac>",
  "    <ProfileIdentifier>ProfileVersion1</ProfileIdentifier>",
  "    <FileDigest>WaxAR8Eu0ZCZHlD4HcLRNKfphWQgntNKM0XfVNHtSc4=</FileDigest>",
  "    <FileDigestAlgorithm>SHA256</FileDigestAlgorithm>",
  "  </EncryptionInfo>",
  "  <MsiInfo>",
  "    <MsiProductCode>{11111111-2222-3333-4444-555555555555}</MsiProductCode>",
  "    <MsiProductVersion>2.6.3</MsiProductVersion>",
  "    <MsiPackageCode>{66666666-7777-8888-9999-AAAAAAAAAAAA}</MsiPackageCode>",
  "    <MsiUpgradeCode>{BBBBBBBB-CCCC-DDDD-EEEE-FFFFFFFFFFFF}</MsiUpgradeCode>",
  "    <MsiExecutionContext>System</MsiExecutionContext>",
  "    <MsiRequiresLogon>false</MsiRequiresLogon>",
  "    <MsiRequiresReboot>false</MsiRequiresReboot>",
  "    <MsiIsMachineInstall>true</MsiIsMachineInstall>",
  "    <MsiIsUserInstall>false</MsiIsUserInstall>",
  "    <MsiIncludesServices>false</MsiIncludesServices>",
  "    <MsiIncludesODBCDataSource>false</MsiIncludesODBCDataSource>",
  "    <MsiContainsSystemRegistryKeys>true</MsiContainsSystemRegistryKeys>",
  "    <MsiContainsSystemFolders>false</MsiContainsSystemFolders>",
  "    <MsiPublisher>Contoso Ltd</MsiPublisher>",
  "  </MsiInfo>",
  "</ApplicationInfo>",
].join("\r\n");

function codeAndPath(text: string): { code: string; path: string | undefined } {
  try {
    parseDetectionXml(text);
  } catch (error) {
    if (isImesimError(error)) return { code: error.code, path: error.path };
    throw error;
  }
  return { code: "parsed", path: undefined };
}

describe("Detection.xml", () => {
  it("round-trips the reference MSI example byte for byte, MsiInfo order included", () => {
    const parsed = parseDetectionXml(MSI_EXAMPLE);
    expect(parsed.MsiInfo?.MsiPublisher).toBe("Contoso Ltd");
    expect(parsed.MsiInfo?.MsiContainsSystemRegistryKeys).toBe(true);
    expect(parsed.UnencryptedContentSize).toBe(2034549);
    expect(writeDetectionXml(parsed)).toBe(MSI_EXAMPLE);
  });

  it("escapes text as XmlSerializer does and writes empty strings as <X />", () => {
    const parsed = parseDetectionXml(MSI_EXAMPLE);
    const info: DetectionXml = { ...parsed, Name: "Fabrikam & Sons <x64>", MsiInfo: undefined };
    delete info.MsiInfo;
    const xml = writeDetectionXml({ ...info, SetupFile: "setup.exe", Name: "" });
    expect(xml).toContain("  <Name />\r\n");
    expect(writeDetectionXml(info)).toContain("<Name>Fabrikam &amp; Sons &lt;x64&gt;</Name>");
    expect(parseDetectionXml(writeDetectionXml(info)).Name).toBe("Fabrikam & Sons <x64>");
  });

  it("is lenient on formatting: declaration, BOM, no xmlns, LF, other element order", () => {
    const variant = `\ufeff<?xml version="1.0" encoding="utf-8"?>\n${MSI_EXAMPLE.replaceAll("\r\n", "\n")
      .replace(/ xmlns:xsd="[^"]*" xmlns:xsi="[^"]*"/, "")
      .replace("  <Name>Contoso Widget</Name>\n", "")
      .replace("</ApplicationInfo>", "  <Name>Contoso Widget</Name>\n</ApplicationInfo>")}`;
    const parsed = parseDetectionXml(variant);
    expect(parsed).toEqual(parseDetectionXml(MSI_EXAMPLE));
  });

  it("is strict on values, naming the bad element", () => {
    const cases: [string, string, string][] = [
      [
        "<MacKey>GyHmORXYdwft4QUjKQninHAVsnfwfSm6hsJWnSxyBR8=</MacKey>",
        "<MacKey>GyHmORXYdwft4QUjKQninHAVsnfwfSm6hsJWnSxy</MacKey>",
        "MacKey",
      ],
      [
        "<Mac>m8kWE5xjkKUSt0ry67SXG8hXdyutAx1QRZxjC4o0DVY=</Mac>",
        "<Mac>m8kWE5xjkKUSt0ry67SXG8hXdyutAx1QRZxjC4o0DVY</Mac>",
        "Mac",
      ],
      ["co3PlNuWEZBPBaVw4VT1lQ==", "co3PlNuWEZBPBaVw4VT1lQ", "InitializationVector"],
      // base64url is not the format (intunewin.md §1.3 Base64).
      [
        "3elTEJgPTbqjBnxrNfyAXzLQK1uYLXAHR6T8LrcDYrQ=",
        "3elTEJgPTbqjBnxrNfyAXzLQK1uYLXAHR6T8LrcDYrQ-",
        "EncryptionKey",
      ],
      ["ProfileVersion1", "ProfileVersion2", "ProfileIdentifier"],
      ["<FileDigestAlgorithm>SHA256", "<FileDigestAlgorithm>SHA1", "FileDigestAlgorithm"],
      ["<UnencryptedContentSize>2034549", "<UnencryptedContentSize>-5", "UnencryptedContentSize"],
      ["<MsiRequiresLogon>false", "<MsiRequiresLogon>maybe", "MsiRequiresLogon"],
      ["<MsiExecutionContext>System", "<MsiExecutionContext>Machine", "MsiExecutionContext"],
      ["  <FileName>IntunePackage.intunewin</FileName>\r\n", "", "FileName"],
    ];
    for (const [from, to, element] of cases) {
      const result = codeAndPath(MSI_EXAMPLE.replace(from, to));
      expect(result.code, element).toBe("INTUNEWIN_DETECTION_XML_INVALID");
      expect(result.path, element).toMatch(new RegExp(`\\.${element}$`));
    }
  });

  it("refuses what is not XML or not an ApplicationInfo", () => {
    expect(codeAndPath("not xml at all").code).toBe("INTUNEWIN_DETECTION_XML_INVALID");
    expect(codeAndPath("<Other/>").code).toBe("INTUNEWIN_DETECTION_XML_INVALID");
    expect(codeAndPath(`${MSI_EXAMPLE.replace("</ApplicationInfo>", "")}`).code).toBe(
      "INTUNEWIN_DETECTION_XML_INVALID",
    );
  });
});
