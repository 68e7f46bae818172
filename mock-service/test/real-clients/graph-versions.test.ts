import { describe, expect, it } from "vitest";
import { sampleApp } from "../service/helpers.ts";
import { graphClient } from "./snippets/graph-client.ts";
import { useTlsService } from "./tls-service.ts";

const shared = useTlsService();

/** The sample app with the unified `rules` collection instead of beta's legacy `detectionRules`. */
function v1App(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { detectionRules: _legacy, ...app } = sampleApp({
    installExperience: { runAsAccount: "system", deviceRestartBehavior: "suppress" },
    ...overrides,
  });
  return {
    ...app,
    rules: [
      {
        "@odata.type": "#microsoft.graph.win32LobAppProductCodeRule",
        ruleType: "detection",
        productCode: "{23170F69-40C1-2702-2301-000001000000}",
        productVersionOperator: "notConfigured",
        productVersion: null,
      },
    ],
  };
}

const failure = (error: { statusCode: number; code: string; message: string }) => error;

describe("/v1.0 serves only what Graph v1.0 has (graph-win32.md §1.1-1.2, §3.1, §4)", () => {
  it("an app reads back without beta's members under v1.0 and with them under beta", async () => {
    const client = graphClient(shared.service.baseUrl, shared.token);
    const created = await client
      .api("/deviceAppManagement/mobileApps")
      .post(sampleApp({ displayVersion: "23.01" }));
    const path = `/deviceAppManagement/mobileApps/${created.id}`;
    const beta = await client.api(path).get();
    expect(beta).toMatchObject({ displayVersion: "23.01", isAssigned: false, roleScopeTagIds: ["0"] });
    expect(beta.installExperience.maxRunTimeInMinutes).toBe(60);
    const v1 = await client.api(path).version("v1.0").get();
    expect(v1).toMatchObject({ id: created.id, displayName: "7-Zip", publishingState: "notPublished" });
    for (const member of ["displayVersion", "isAssigned", "uploadState", "roleScopeTagIds", "detectionRules"])
      expect(v1).not.toHaveProperty(member);
    expect(v1.installExperience).toEqual({ runAsAccount: "system", deviceRestartBehavior: "suppress" });
    const listed = await client.api("/deviceAppManagement/mobileApps").version("v1.0").get();
    expect(listed.value[0]).not.toHaveProperty("isAssigned");
  });

  it("a v1.0 write with a beta-only member is a 400 naming it; minimumSupportedOperatingSystem is tolerated (§1.10)", async () => {
    const client = graphClient(shared.service.baseUrl, shared.token)
      .api("/deviceAppManagement/mobileApps")
      .version("v1.0");
    const refused = await client.post(v1App({ displayVersion: "1.0" })).catch(failure);
    expect(refused).toMatchObject({
      statusCode: 400,
      code: "BadRequest",
      message: expect.stringContaining(
        "The property 'displayVersion' does not exist on type 'microsoft.graph.win32LobApp'",
      ),
    });
    const legacy = await client.post(sampleApp()).catch(failure);
    expect(legacy).toMatchObject({ statusCode: 400, message: expect.stringContaining("'detectionRules'") });
    const experience = await client
      .post(v1App({ installExperience: { runAsAccount: "system", maxRunTimeInMinutes: 60 } }))
      .catch(failure);
    expect(experience).toMatchObject({
      statusCode: 400,
      message: expect.stringContaining("installExperience.maxRunTimeInMinutes"),
    });
    const accepted = await client.post(v1App({ minimumSupportedOperatingSystem: { v10_1607: true } }));
    expect(accepted["@odata.type"]).toBe("#microsoft.graph.win32LobApp");
  });

  it("beta-only route families answer v1.0's 400 'Resource not found for the segment'", async () => {
    const client = graphClient(shared.service.baseUrl, shared.token);
    const created = await client.api("/deviceAppManagement/mobileApps").post(sampleApp());
    for (const [path, segment] of [
      [`/deviceAppManagement/mobileApps/${created.id}/deviceStatuses`, "deviceStatuses"],
      [`/deviceAppManagement/mobileApps/${created.id}/relationships`, "relationships"],
      ["/deviceManagement/assignmentFilters", "assignmentFilters"],
    ] as const) {
      const answer = await client.api(path).version("v1.0").get().catch(failure);
      expect(answer).toMatchObject({
        statusCode: 400,
        code: "BadRequest",
        message: `Resource not found for the segment '${segment}'.`,
      });
    }
    const beta = await client.api(`/deviceAppManagement/mobileApps/${created.id}/deviceStatuses`).get();
    expect(beta.value).toEqual([]);
  });
});
