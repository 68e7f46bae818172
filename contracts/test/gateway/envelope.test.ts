import { describe, expect, it } from "vitest";
import { InstallContext, Intent, ResultantAppState, TargetType } from "../../src/enums/index.ts";
import { isImesimError } from "../../src/errors/index.ts";
import {
  createServiceAddresses,
  createSideCarSessionRequest,
  createSideCarSessionResponse,
  encodeClientInfo,
  encodeContentInfo,
  encodeContentInfoPayload,
  encodeDecryptInfo,
  encodeDecryptInfoEnvelope,
  encodeWin32AppResultPayload,
  parseAppStatusReport,
  parseClientInfo,
  parseContentInfo,
  parseContentInfoPayload,
  parseDecryptInfo,
  parseDecryptInfoEnvelope,
  parseSideCarSession,
  parseWin32AppResultPayload,
  RequestContentType,
  serializeAppStatusReport,
  sideCarGatewayUrl,
  sideCarSessionPath,
} from "../../src/gateway/index.ts";

// ime.md §3.1 item 2, real ClientInfo string (S11).
const REAL_CLIENT_INFO =
  '{"DeviceName":"PC01","OperatingSystemVersion":"10.0.19045","SideCarAgentVersion":"1.83.107.0","Win10SMode":false,"UnlockWin10SModeTenantId":null,"UnlockWin10SModeDeviceId":null,"ChannelUriInformation":null,"AgentExecutionStartTime":"10/11/2024 23:15:42","AgentExecutionEndTime":"10/11/2024 23:15:38","AgentCrashSeen":true,"ExtendedInventoryMap":{"OperatingSystemRevisionNumber":"2006","SKU":"72","DotNetFrameworkReleaseValue":"528372"}}';
const SESSION = "3f6b8a43-0f6e-4a52-9b3e-0a4f1f4b8a10";
const REAL_REQUEST = {
  Key: SESSION,
  SessionId: SESSION,
  RequestContentType: "RequestApplication",
  RequestPayload: "[]",
  ResponseContentType: null,
  ClientInfo: REAL_CLIENT_INFO,
  ResponsePayload: null,
  EnabledFlights: null,
  CheckinIntervalMinutes: null,
  GenericWorkloadRequests: null,
  GenericWorkloadResponse: null,
  CheckinReason: "AgentRestart",
  CheckinReasonPayload: null,
};
// ime.md §3.2, real GetContentInfo request payload (S11), with an illustrative certificate blob.
const REAL_CONTENT_INFO_REQUEST =
  '{"ApplicationId":"6e0911dd-6755-4eb7-8a75-ba02e685232b","ApplicationVersion":1,"Intent":3,"CertificateBlob":"MIIB","ContentInfo":null,"SecondaryContentInfo":null,"DecryptInfo":null,"UploadLocation":null,"TargetingMethod":0,"ErrorCode":null,"TargetType":2,"InstallContext":2,"EspPhase":2,"ApplicationName":"7-Zip","AssignmentFilterIds":null,"ManagedInstallerStatus":1,"ApplicationEnforcement":0}';
// ime.md §9, real status report (S10).
const REAL_STATUS_REPORT =
  '{"ApplicationId":"9a7d745d-9cd2-4b05-adc2-7796f8c8cc87","ResultantAppState":1,"ReportingImpact":{"DesiredState":3,"Classification":2,"ConflictReason":0,"ImpactingApps":[]},"WriteableToStorage":true,"CanGenerateComplianceState":true,"CanGenerateEnforcementState":true,"IsAppReportable":true,"IsAppAggregatable":true,"AvailableAppEnforcementFlag":0,"DesiredState":2,"DetectionState":1,"DetectionErrorOccurred":false,"DetectionErrorCode":null,"ApplicabilityState":0,"ApplicabilityErrorOccurred":false,"ApplicabilityErrorCode":null,"EnforcementState":1000,"EnforcementErrorCode":null,"TargetingMethod":0,"TargetingType":2,"InstallContext":1,"Intent":3,"InternalVersion":1,"DetectedIdentityVersion":"1.18.1462.0","RemovalReason":null}';

describe("SideCar session envelope (ime.md §3.1)", () => {
  it("parses the real request and its ClientInfo, and serializes ClientInfo byte for byte", () => {
    const session = parseSideCarSession(REAL_REQUEST);
    expect(session.RequestContentType).toBe(RequestContentType.RequestApplication);
    const info = parseClientInfo(session.ClientInfo);
    expect(info.ExtendedInventoryMap).toEqual({
      OperatingSystemRevisionNumber: "2006",
      SKU: "72",
      DotNetFrameworkReleaseValue: "528372",
    });
    expect(encodeClientInfo(info)).toBe(REAL_CLIENT_INFO);
  });

  it("encodes a frozen ClientInfo as it encodes the same members unfrozen, and follows a changed inventory map", () => {
    const info = parseClientInfo(REAL_CLIENT_INFO);
    const inventory = { ...info.ExtendedInventoryMap };
    const frozen = Object.freeze({ ...info, ExtendedInventoryMap: inventory });
    expect(encodeClientInfo(frozen)).toBe(REAL_CLIENT_INFO);
    expect(encodeClientInfo(frozen)).toBe(REAL_CLIENT_INFO);
    // The map itself is not frozen: its change shows.
    inventory.SKU = "48";
    expect(encodeClientInfo(frozen)).toBe(encodeClientInfo({ ...frozen }));
    expect(encodeClientInfo(frozen)).toContain('"SKU":"48"');
  });

  it("builds the request the IME sends and the response the service echoes", () => {
    const request = createSideCarSessionRequest({
      sessionId: SESSION,
      requestContentType: RequestContentType.RequestApplication,
      clientInfo: parseClientInfo(REAL_CLIENT_INFO),
      checkinReason: "AgentRestart",
    });
    expect(request).toEqual(REAL_REQUEST);
    const response = createSideCarSessionResponse(request, {
      serviceRoot: "https://fef.msua06.manage.microsoft.com/SideCar/StatelessSideCarGatewayService",
      responseContentType: "PolicyResponse",
      responsePayload: "AAAA",
      enabledFlights: "DisableWin32V2AppProcessor",
      checkinIntervalMinutes: 56,
    });
    expect(response).toMatchObject({
      ...REAL_REQUEST,
      ResponseContentType: "PolicyResponse",
      ResponsePayload: "AAAA",
      EnabledFlights: "DisableWin32V2AppProcessor",
      CheckinIntervalMinutes: 56,
    });
    expect(response["odata.id"]).toContain(`SideCarGatewaySessions('${SESSION}')`);
    expect(sideCarSessionPath(SESSION)).toBe(`/SideCarGatewaySessions('${SESSION}')?api-version=1.5`);
  });

  it.each([
    [{ ...REAL_REQUEST, CheckinReason: "Reboot" }, "CheckinReason"],
    [{ ...REAL_REQUEST, RequestPayload: [] }, "RequestPayload"],
    [(({ SessionId: _omit, ...rest }) => rest)(REAL_REQUEST), "SessionId"],
  ])("names the bad member (%#)", (body, path) => {
    try {
      parseSideCarSession(body);
      expect.unreachable();
    } catch (error) {
      expect(isImesimError(error, "GATEWAY_INVALID")).toBe(true);
      expect((error as { path: string }).path).toBe(path);
    }
  });

  it("reports malformed ClientInfo JSON at ClientInfo", () => {
    expect(() => parseClientInfo('{"DeviceName":')).toThrow(
      expect.objectContaining({ code: "GATEWAY_MALFORMED_JSON", path: "ClientInfo" }),
    );
    expect(() =>
      parseClientInfo(REAL_CLIENT_INFO.replace('"Win10SMode":false', '"Win10SMode":"no"')),
    ).toThrow(expect.objectContaining({ code: "GATEWAY_INVALID", path: "ClientInfo.Win10SMode" }));
  });
});

describe("GetContentInfo (ime.md §3.2)", () => {
  it("parses the real request payload and serializes it byte for byte", () => {
    const payload = parseContentInfoPayload(REAL_CONTENT_INFO_REQUEST);
    expect([payload.Intent, payload.TargetType, payload.InstallContext]).toEqual([
      Intent.Required,
      TargetType.Device,
      InstallContext.System,
    ]);
    expect(encodeContentInfoPayload(payload)).toBe(REAL_CONTENT_INFO_REQUEST);
  });

  it("carries ContentInfo as JSON text with UploadLocation and DecryptInfo as XML", () => {
    const uploadLocation = "http://127.0.0.1:8080/content/6e0911dd/1/a1b2.intunewin.bin";
    const response = {
      ...parseContentInfoPayload(REAL_CONTENT_INFO_REQUEST),
      ContentInfo: encodeContentInfo({ UploadLocation: uploadLocation, SizeEncrypted: 1523776 }),
      DecryptInfo: encodeDecryptInfoEnvelope("TUlJQ0VOVkVMT1BF"),
    };
    const back = parseContentInfoPayload(encodeContentInfoPayload(response), "ResponsePayload");
    expect(parseContentInfo(back.ContentInfo).UploadLocation).toBe(uploadLocation);
    expect(back.DecryptInfo).toBe(
      "<EncryptedMessage><EncryptedContent>TUlJQ0VOVkVMT1BF</EncryptedContent></EncryptedMessage>",
    );
    expect(parseDecryptInfoEnvelope(back.DecryptInfo ?? "")).toBe("TUlJQ0VOVkVMT1BF");
  });

  it("round-trips decrypted DecryptInfo and rejects an unknown profile", () => {
    const info = {
      EncryptionKey: "a2V5",
      IV: "aXY=",
      ProfileIdentifier: "ProfileVersion1" as const,
      FileDigestAlgorithm: "SHA256" as const,
    };
    expect(parseDecryptInfo(encodeDecryptInfo(info))).toEqual(info);
    expect(() =>
      parseDecryptInfo('{"EncryptionKey":"a","IV":"b","ProfileIdentifier":"ProfileVersion2"}'),
    ).toThrow(expect.objectContaining({ path: "DecryptInfo.ProfileIdentifier" }));
  });

  it("reports a ContentInfo without UploadLocation and DecryptInfo without content", () => {
    expect(() => parseContentInfo("{}")).toThrow(
      expect.objectContaining({ path: "ContentInfo.UploadLocation" }),
    );
    expect(() => parseDecryptInfoEnvelope("<EncryptedMessage/>")).toThrow(
      expect.objectContaining({ code: "GATEWAY_INVALID" }),
    );
    expect(() => parseDecryptInfoEnvelope("<EncryptedMessage><oops></EncryptedMessage>")).toThrow(
      expect.objectContaining({ code: "GATEWAY_INVALID", path: "DecryptInfo" }),
    );
  });
});

describe("status report and Win32AppResult (ime.md §9)", () => {
  it("parses the real status report and serializes it byte for byte", () => {
    const report = parseAppStatusReport(REAL_STATUS_REPORT);
    expect(report.ResultantAppState).toBe(ResultantAppState.Installed);
    expect(serializeAppStatusReport(report)).toBe(REAL_STATUS_REPORT);
  });

  it("round-trips a Win32AppResult payload carrying the registry state messages", () => {
    const result = {
      ...parseAppStatusReport(REAL_STATUS_REPORT),
      UserId: "00000000-0000-0000-0000-000000000000",
      ComplianceStateMessage: {
        Applicability: 0 as const,
        ComplianceState: 1 as const,
        DesiredState: 2 as const,
        ErrorCode: null,
        TargetingMethod: 0 as const,
        InstallContext: 2 as const,
        TargetType: 2 as const,
        ProductVersion: null,
        AssignmentFilterIds: null,
      },
      EnforcementStateMessage: { EnforcementState: 1000, ErrorCode: 0, TargetingMethod: 0 as const },
    };
    expect(parseWin32AppResultPayload(encodeWin32AppResultPayload([result]))).toEqual([result]);
    expect(() =>
      parseWin32AppResultPayload(`[${JSON.stringify({ ...result, EnforcementErrorCode: 2278685724 })}]`),
    ).toThrow(expect.objectContaining({ path: "RequestPayload[0].EnforcementErrorCode" }));
  });
});

describe("service discovery (ime.md §3.1 item 1)", () => {
  it("finds the SideCar gateway URL", () => {
    const body = createServiceAddresses({
      SideCarGatewayService: "http://127.0.0.1:8080/SideCar",
      Other: "http://x",
    });
    expect(sideCarGatewayUrl(JSON.parse(JSON.stringify(body)))).toBe("http://127.0.0.1:8080/SideCar");
    expect(() => sideCarGatewayUrl(createServiceAddresses({ Other: "http://x" }))).toThrow(
      expect.objectContaining({ path: "[0].Services" }),
    );
    expect(() => sideCarGatewayUrl([])).toThrow(expect.objectContaining({ code: "GATEWAY_INVALID" }));
  });
});
