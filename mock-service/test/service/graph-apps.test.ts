import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockIntuneServer } from "../../src/index.ts";
import { adminHeaders, adminToken, sampleApp, startServer } from "./helpers.ts";

let app: MockIntuneServer;
let close: () => Promise<void>;
let auth: { authorization: string };

beforeAll(async () => {
  const started = await startServer({ pageSize: 2 });
  app = started.server;
  close = started.close;
  auth = { authorization: `Bearer ${await adminToken(app)}` };
});
afterAll(async () => close());

async function create(body: Record<string, unknown>, url = "/beta/deviceAppManagement/mobileApps") {
  return app.inject({ method: "POST", url, payload: body, headers: auth });
}

describe("mobileApps", () => {
  it("creates a win32LobApp with the service-owned members and the unified rules", async () => {
    const response = await create(sampleApp());
    expect(response.statusCode).toBe(201);
    expect(response.headers["content-type"]).toContain("odata.metadata=minimal");
    const body = response.json();
    expect(body).toMatchObject({
      "@odata.context": "http://localhost:80/beta/$metadata#deviceAppManagement/mobileApps/$entity",
      "@odata.type": "#microsoft.graph.win32LobApp",
      publishingState: "notPublished",
      isAssigned: false,
      uploadState: 0,
      committedContentVersion: null,
      size: 0,
      roleScopeTagIds: ["0"],
      displayName: "7-Zip",
    });
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.rules[0]).toMatchObject({
      "@odata.type": "#microsoft.graph.win32LobAppFileSystemRule",
      ruleType: "detection",
    });
    expect(body.detectionRules).toHaveLength(1);
    expect(response.headers.location).toBe(
      `http://localhost:80/beta/deviceAppManagement/mobileApps/${body.id}`,
    );
  });

  it("matches the version and path without regard to case, and the OData key syntax", async () => {
    const created = (
      await create(sampleApp({ displayName: "Case" }), "/Beta/DeviceAppManagement/MobileApps")
    ).json();
    const byKey = await app.inject({
      url: `/BETA/deviceAppManagement/mobileApps('${created.id}')`,
      headers: auth,
    });
    expect(byKey.statusCode).toBe(200);
    expect(byKey.json().displayName).toBe("Case");
    const v1 = await app.inject({
      url: `/v1.0/deviceAppManagement/mobileApps/${created.id.toUpperCase()}`,
      headers: auth,
    });
    expect(v1.json()["@odata.context"]).toContain("/v1.0/$metadata#");
  });

  it("refuses an app without a detection rule, with both rule collections, without type, or with a bad enum", async () => {
    const noDetection = await create(sampleApp({ detectionRules: [] }));
    expect(noDetection.statusCode).toBe(400);
    expect(noDetection.json().error).toMatchObject({
      code: "ModelValidationFailure",
      message: expect.stringContaining("The Win32LobApp must have at least one detection rule specified."),
    });
    const both = await create(sampleApp({ rules: [] }));
    expect(both.statusCode).toBe(400);
    expect(both.json().error.message).toContain("rules");
    const { "@odata.type": _type, ...untyped } = sampleApp();
    const noType = await create(untyped);
    expect(noType.statusCode).toBe(400);
    expect(noType.json().error.message).toContain("@odata.type");
    const badEnum = await create(
      sampleApp({ installExperience: { runAsAccount: "root", deviceRestartBehavior: "suppress" } }),
    );
    expect(badEnum.statusCode).toBe(400);
    expect(badEnum.json().error.message).toContain("installExperience");
    const noFileName = await create(sampleApp({ fileName: undefined }));
    expect(noFileName.statusCode).toBe(400);
    expect(noFileName.json().error.message).toContain("fileName");
    const notObject = await app.inject({
      method: "POST",
      url: "/beta/deviceAppManagement/mobileApps",
      payload: "[1]",
      headers: { ...auth, "content-type": "application/json" },
    });
    expect(notObject.statusCode).toBe(400);
    const before = app.intune.store.listApps().length;
    expect(before).toBe(app.intune.store.listApps().length);
  });

  it("accepts the leniencies real clients need: no '#', odd casing, string booleans, unknown members, Latin-1 bodies", async () => {
    const lenient = sampleApp({
      "@odata.type": "microsoft.graph.win32LobApp",
      displayName: "Caf\u00e9",
      unknownMember: 1,
    });
    const latin1 = Buffer.from(JSON.stringify(lenient), "latin1");
    const response = await app.inject({
      method: "POST",
      url: "/beta/deviceAppManagement/mobileApps",
      payload: latin1,
      headers: { ...auth, "content-type": "application/json" },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json().displayName).toBe("Café");
  });

  it("lists with $filter, $select, $count, paging through absolute nextLinks, and @odata.count 0 when empty", async () => {
    for (const name of ["Alpha", "Beta app", "Gamma"]) await create(sampleApp({ displayName: name }));
    const filtered = await app.inject({
      url: "/beta/deviceAppManagement/mobileApps?$filter=displayName eq 'Alpha'&$select=displayName",
      headers: auth,
    });
    const filteredBody = filtered.json();
    expect(filteredBody.value).toHaveLength(1);
    expect(Object.keys(filteredBody.value[0]).sort()).toEqual(["@odata.type", "displayName", "id"]);
    const typed = await app.inject({
      url: "/beta/deviceAppManagement/mobileApps?$filter=isof('microsoft.graph.win32LobApp') and startswith(displayName,'gam')",
      headers: auth,
    });
    expect(typed.json().value.map((item: { displayName: string }) => item.displayName)).toEqual(["Gamma"]);
    let url: string | undefined = "/beta/deviceAppManagement/mobileApps?$count=true";
    const names: string[] = [];
    let total = 0;
    while (url !== undefined) {
      const page: { value: { displayName: string }[]; "@odata.count"?: number; "@odata.nextLink"?: string } =
        (await app.inject({ url, headers: auth })).json();
      total = page["@odata.count"] ?? total;
      names.push(...page.value.map((item: { displayName: string }) => item.displayName));
      url = page["@odata.nextLink"]?.replace("http://localhost:80", "");
      if (url !== undefined)
        expect(page["@odata.nextLink"]).toMatch(/^http:\/\/localhost:80\/beta\/.*\$skiptoken=/);
    }
    expect(names).toHaveLength(total);
    expect(new Set(names).size).toBe(names.length);
    const empty = await app.inject({
      url: "/beta/deviceAppManagement/mobileApps?$filter=displayName eq 'none'",
      headers: auth,
    });
    expect(empty.json()).toMatchObject({ "@odata.count": 0, value: [] });
    const unsupported = await app.inject({
      url: "/beta/deviceAppManagement/mobileApps?$filter=size gt 3",
      headers: auth,
    });
    expect(unsupported.statusCode).toBe(400);
    expect(unsupported.json().error.code).toBe("invalidRequest");
  });

  it("patches, refuses a type change or an uncommitted content version, and deletes", async () => {
    const created = (await create(sampleApp({ displayName: "Patch me" }))).json();
    const url = `/beta/deviceAppManagement/mobileApps/${created.id}`;
    const patched = await app.inject({
      method: "PATCH",
      url,
      payload: { "@odata.type": "#microsoft.graph.win32LobApp", description: "new" },
      headers: auth,
    });
    expect(patched.statusCode).toBe(204);
    expect((await app.inject({ url, headers: auth })).json().description).toBe("new");
    const typeChange = await app.inject({
      method: "PATCH",
      url,
      payload: { "@odata.type": "#microsoft.graph.windowsMobileMSI" },
      headers: auth,
    });
    expect(typeChange.statusCode).toBe(400);
    const uncommitted = await app.inject({
      method: "PATCH",
      url,
      payload: { committedContentVersion: "1" },
      headers: auth,
    });
    expect(uncommitted.statusCode).toBe(400);
    expect(uncommitted.json().error.message).toContain("committedContentVersion");
    expect((await app.inject({ url, headers: auth })).json()).toMatchObject({
      description: "new",
      committedContentVersion: null,
    });
    expect((await app.inject({ method: "DELETE", url, headers: auth })).statusCode).toBe(204);
    const gone = await app.inject({ url, headers: auth });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.innerError["request-id"]).toBe(gone.headers["request-id"]);
  });

  it("echoes client-request-id and answers unknown routes with a Graph 404", async () => {
    const response = await app.inject({
      url: "/beta/deviceAppManagement/nothingHere",
      headers: { ...auth, "client-request-id": "abc" },
    });
    expect(response.statusCode).toBe(404);
    expect(response.headers["client-request-id"]).toBe("abc");
    expect(response.json().error.innerError["client-request-id"]).toBe("abc");
  });
});

describe("scope tags and categories (IntuneWin32App -ScopeTagName / -CategoryName)", () => {
  it("finds the default scope tag and a category by name, and links the category to an app", async () => {
    const tags = await app.inject({
      url: "/Beta/deviceManagement/getRoleScopeTagsByResource(resource='MobileApps')?$filter=displayName eq 'Default'",
      headers: auth,
    });
    expect(tags.statusCode).toBe(200);
    expect(tags.json().value).toEqual([
      expect.objectContaining({ id: "0", displayName: "Default", isBuiltIn: true }),
    ]);
    const categories = await app.inject({
      url: "/Beta/deviceAppManagement/mobileAppCategories?$filter=displayName eq 'Business'",
      headers: auth,
    });
    const category = categories.json().value[0];
    expect(category.displayName).toBe("Business");
    const created = (await create(sampleApp({ displayName: "Categorised" }))).json();
    const linked = await app.inject({
      method: "POST",
      url: `/Beta/deviceAppManagement/mobileApps/${created.id}/categories/$ref`,
      payload: {
        "@odata.id": `https://graph.microsoft.com/beta/deviceAppManagement/mobileAppCategories/${category.id}`,
      },
      headers: auth,
    });
    expect(linked.statusCode).toBe(204);
    const unknown = await app.inject({
      method: "POST",
      url: `/Beta/deviceAppManagement/mobileApps/${created.id}/categories/$ref`,
      payload: {
        "@odata.id": "https://graph.microsoft.com/beta/deviceAppManagement/mobileAppCategories/nope",
      },
      headers: auth,
    });
    expect(unknown.statusCode).toBe(400);
  });
});

describe("admission of every Graph route", () => {
  it("wants a Graph token on each route family, and aims app-scoped faults at that app's routes only", async () => {
    const target = (await create(sampleApp({ displayName: "Faulted" }))).json();
    const other = (await create(sampleApp({ displayName: "Spared" }))).json();
    const apps = "/beta/deviceAppManagement/mobileApps";
    const urls = [
      apps,
      `${apps}/${target.id}`,
      `${apps}/${target.id}/contentVersions`,
      `${apps}/${target.id}/assignments`,
      "/beta/groups",
      "/beta/deviceAppManagement/mobileAppCategories",
    ];
    for (const url of urls) expect((await app.inject({ url })).statusCode, url).toBe(401);

    const plan = {
      rules: [{ match: { route: "graph", appId: target.id }, effect: { kind: "status", status: 503 } }],
    };
    expect(
      (await app.inject({ headers: adminHeaders(app), method: "POST", url: "/admin/faults", payload: plan }))
        .statusCode,
    ).toBe(200);
    try {
      for (const suffix of ["", "/contentVersions", "/assignments"]) {
        expect((await app.inject({ url: `${apps}/${target.id}${suffix}`, headers: auth })).statusCode).toBe(
          503,
        );
        expect((await app.inject({ url: `${apps}/${other.id}${suffix}`, headers: auth })).statusCode).toBe(
          200,
        );
      }
      expect((await app.inject({ url: apps, headers: auth })).statusCode).toBe(200);
    } finally {
      await app.inject({ headers: adminHeaders(app), method: "DELETE", url: "/admin/faults" });
    }
  });
});
