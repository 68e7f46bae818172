import type { ResultantAppState } from "@imesim/contracts/enums";
import type { Win32AppResult } from "@imesim/contracts/gateway";
import { describe, expect, it } from "vitest";
import { parseRange } from "../../src/content/range.ts";
import { statusFromResult } from "../../src/gateway/status-report.ts";
import { parseFilter } from "../../src/graph/odata-filter.ts";
import { normalizeUrl } from "../../src/http/normalize-url.ts";
import { installedResult } from "./helpers.ts";

describe("normalizeUrl", () => {
  it.each([
    ["/Beta/deviceAppManagement/mobileApps('abc')", "/Beta/deviceAppManagement/mobileApps/abc"],
    [
      "/beta/deviceAppManagement/mobileApps/abc/microsoft.graph.win32LobApp/contentVersions",
      "/beta/deviceAppManagement/mobileApps/abc/contentVersions",
    ],
    [
      "/beta/deviceAppManagement/mobileApps/abc/graph.win32LobApp/contentVersions/1/files",
      "/beta/deviceAppManagement/mobileApps/abc/contentVersions/1/files",
    ],
    [
      "/beta/deviceAppManagement/mobileApps/abc/microsoft.graph.assign",
      "/beta/deviceAppManagement/mobileApps/abc/assign",
    ],
    [
      "/Beta/deviceAppManagement/deviceAppManagement/mobileApps/a/renewUpload",
      "/Beta/deviceAppManagement/mobileApps/a/renewUpload",
    ],
    ["/BETA/DEVICEAPPMANAGEMENT/DEVICEAPPMANAGEMENT/x", "/BETA/deviceAppManagement/x"],
    ["/beta/x/MICROSOFT.GRAPH.WIN32LOBAPP/y", "/beta/x/y"],
    ["/beta/deviceAppManagement/graph.win32LobApp/deviceAppManagement/x", "/beta/deviceAppManagement/x"],
    ["/beta/\u212Aelvin/gra\u0130ph./x", "/beta/\u212Aelvin/gra\u0130ph./x"],
    [
      "/SideCar/SideCarGatewaySessions('5c1e')?api-version=1.5",
      "/SideCar/SideCarGatewaySessions/5c1e?api-version=1.5",
    ],
    [
      "/SideCar/SideCarGatewaySessions(%275c1e%27)?api-version=1.5",
      "/SideCar/SideCarGatewaySessions/5c1e?api-version=1.5",
    ],
    ["/beta/x?$filter=displayName eq 'a(b)'", "/beta/x?$filter=displayName eq 'a(b)'"],
    // Every rewrite at once, in any case; and paths none applies to, returned as they came.
    [
      "/BETA/DeviceAppManagement/DEVICEAPPMANAGEMENT/mobileApps('a')/MICROSOFT.GRAPH.WIN32LOBAPP/Microsoft.Graph.Commit",
      "/BETA/deviceAppManagement/mobileApps/a/Commit",
    ],
    [
      "/content/a1/b2.intunewin.bin?d=x&e=1&sig=graph.win32LobApp",
      "/content/a1/b2.intunewin.bin?d=x&e=1&sig=graph.win32LobApp",
    ],
    [
      "/beta/deviceAppManagement/mobileApps/graph.other/x",
      "/beta/deviceAppManagement/mobileApps/graph.other/x",
    ],
  ])("%s → %s", (input, expected) => {
    expect(normalizeUrl(input)).toBe(expected);
  });

  it.each([
    [
      "/SideCar/SideCarGatewaySessions('6F1C2D3E-1111-4222-8333-944455556666')?api-version=1.5",
      "/SideCar/SideCarGatewaySessions/6F1C2D3E-1111-4222-8333-944455556666?api-version=1.5",
    ],
    ["/SideCar/SideCarGatewaySessions('')", "/SideCar/SideCarGatewaySessions('')"],
    ["/SideCar/SideCarGatewaySessions('a.b')?x=1", "/SideCar/SideCarGatewaySessions/a.b?x=1"],
    ["/SideCar/SideCarGatewaySessions('a'b')", "/SideCar/SideCarGatewaySessions('a'b')"],
    ["/SideCar/SideCarGatewaySessions('a/b')", "/SideCar/SideCarGatewaySessions('a/b')"],
    ["/SideCar/SideCarGatewaySessions('a')/x('b')", "/SideCar/SideCarGatewaySessions/a/x/b"],
    ["/sidecar/SideCarGatewaySessions('a')", "/sidecar/SideCarGatewaySessions/a"],
  ])(
    "session path %s → %s (ids other than a GUID's characters take the general rewrites)",
    (input, expected) => {
      expect(normalizeUrl(input)).toBe(expected);
    },
  );
});

describe("parseRange", () => {
  it.each([
    [undefined, 100, undefined],
    ["bytes=0-9", 100, { start: 0, end: 9 }],
    ["bytes=90-", 100, { start: 90, end: 99 }],
    ["bytes=-10", 100, { start: 90, end: 99 }],
    ["bytes=-500", 100, { start: 0, end: 99 }],
    ["bytes=50-1000", 100, { start: 50, end: 99 }],
    ["bytes=100-", 100, "unsatisfiable"],
    ["bytes=-0", 100, "unsatisfiable"],
    ["bytes=0-1,5-6", 100, undefined],
    ["items=0-1", 100, undefined],
    ["bytes=9-3", 100, undefined],
  ] as const)("%s of %i bytes", (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});

describe("parseFilter", () => {
  const apps = [
    {
      "@odata.type": "#microsoft.graph.win32LobApp",
      displayName: "7-Zip",
      isAssigned: true,
      publisher: "Igor's",
    },
    {
      "@odata.type": "#microsoft.graph.win32LobApp",
      displayName: "Notepad++",
      isAssigned: false,
      publisher: null,
    },
    {
      "@odata.type": "#microsoft.graph.webApp",
      displayName: "Portal",
      isAssigned: false,
      publisher: "Contoso",
    },
  ];
  it.each([
    ["displayName eq '7-zip'", ["7-Zip"]],
    ["displayName ne '7-Zip'", ["Notepad++", "Portal"]],
    ["isof('microsoft.graph.win32LobApp') and isAssigned eq false", ["Notepad++"]],
    ["startswith(displayName,'note') or contains(displayName, 'tal')", ["Notepad++", "Portal"]],
    ["not (isAssigned eq true)", ["Notepad++", "Portal"]],
    ["publisher eq null", ["Notepad++"]],
    ["publisher eq 'Igor''s'", ["7-Zip"]],
    [
      "(microsoft.graph.managedApp/appAvailability eq null or isAssigned eq true)",
      ["7-Zip", "Notepad++", "Portal"],
    ],
  ])("%s", (filter, expected) => {
    expect(apps.filter(parseFilter(filter)).map((app) => app.displayName)).toEqual(expected);
  });

  it.each([
    "size gt 3",
    "displayName eq",
    "startswith(displayName 'x')",
    "displayName eq 'open",
    "displayName eq 'a' extra",
  ])("refuses %s with ODATA_FILTER_UNSUPPORTED", (filter) => {
    expect(() => parseFilter(filter)).toThrow(
      expect.objectContaining({ code: "ODATA_FILTER_UNSUPPORTED", path: "$filter" }),
    );
  });
});

describe("statusFromResult", () => {
  const result = (state: ResultantAppState, enforcementErrorCode: number | null): Win32AppResult =>
    installedResult("AAAAAAAA-0000-0000-0000-000000000001", {
      ResultantAppState: state,
      EnforcementErrorCode: enforcementErrorCode,
    });

  it.each([
    [1, null, "installed", "noAdditionalDetails", 0],
    [2, -2147023293, "failed", "seeInstallErrorCode", -2147023293],
    [4, 0x87d1041c, "uninstallFailed", "seeUninstallErrorCode", -2016345060],
    [-1, null, "notApplicable", "noAdditionalDetails", 0],
    [5, null, "pendingInstall", "noAdditionalDetails", 0],
  ] as const)("ResultantAppState %i → %s (%s), error %i", (state, error, installState, detail, errorCode) => {
    expect(statusFromResult("device-1", result(state, error), "2026-11-24T13:00:00Z")).toMatchObject({
      appId: "aaaaaaaa-0000-0000-0000-000000000001",
      installState,
      installStateDetail: detail,
      errorCode,
    });
  });
});
