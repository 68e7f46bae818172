import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { useTlsService } from "./tls-service.ts";

// The README sends readers to docs/real-clients.md, which quotes the snippets these tests run.
const section = readFileSync(new URL("../../../docs/real-clients.md", import.meta.url), "utf8");
const snippets = new URL("./snippets/", import.meta.url);

describe("docs/real-clients.md", () => {
  it.each(readdirSync(snippets).filter((name) => name.endsWith(".ts")))(
    "quotes snippets/%s exactly as the tests run it",
    (name) => {
      const code = readFileSync(new URL(name, snippets), "utf8").trimEnd();
      expect(section).toContain(`\`\`\`ts\n${code}\n\`\`\``);
    },
  );
});

describe("docs/real-clients.md's PowerShell admin flow, request for request", () => {
  const shared = useTlsService({ tenantDomains: ["contoso.onmicrosoft.com"] });

  it("a client-credentials token by the tenant's domain (a form body, as Invoke-RestMethod sends a hashtable), then Graph", async () => {
    expect(section).toContain('$tenant = "contoso.onmicrosoft.com"');
    const base = shared.service.baseUrl;
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: "5b0b1e6c-9d1e-4c55-9d4e-3f6e2c8a7b10",
      client_secret: "any-secret",
      scope: "https://graph.microsoft.com/.default",
    });
    const tokenAnswer = await fetch(`${base}/contoso.onmicrosoft.com/oauth2/v2.0/token`, {
      method: "POST",
      body: form,
    });
    expect(tokenAnswer.status).toBe(200);
    const headers = { authorization: `Bearer ${(await tokenAnswer.json()).access_token}` };
    const body = readFileSync(
      new URL("../../../e2e/test/fixtures/apps/winget-7zip.json", import.meta.url),
      "utf8",
    );
    const created = await fetch(`${base}/beta/deviceAppManagement/mobileApps`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body,
    });
    expect(created.status).toBe(201);
    const app = await created.json();
    const read = await fetch(`${base}/beta/deviceAppManagement/mobileApps/${app.id}`, { headers });
    expect(await read.json()).toMatchObject({ id: app.id, displayName: "7-Zip (winget)" });
    const filters = await fetch(`${base}/beta/deviceManagement/assignmentFilters`, { headers });
    expect((await filters.json()).value).toEqual([]);
  });
});
