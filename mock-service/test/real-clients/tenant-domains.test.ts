import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphTokenWithAzureIdentity } from "./snippets/azure-identity.ts";
import { graphTokenWithMsal } from "./snippets/msal-node.ts";
import { startTlsService, type TlsService } from "./tls-service.ts";

const clientId = "5b0b1e6c-9d1e-4c55-9d4e-3f6e2c8a7b10";
let service: TlsService;

beforeAll(async () => {
  service = await startTlsService({ tenantDomains: ["contoso.onmicrosoft.com", "Contoso.com"] });
});
afterAll(async () => service.close());

describe("the tenant addressed by its id or its domain names", () => {
  it("MSAL Node gets a token from an authority written with each domain, and with the id", async () => {
    const tenantId = service.server.intune.tokens.tenantId;
    for (const tenant of ["contoso.onmicrosoft.com", "CONTOSO.COM", tenantId]) {
      const token = await graphTokenWithMsal(service.host, tenant, clientId, "secret");
      expect(decodeJwt(token)).toMatchObject({ tid: tenantId, appid: clientId });
    }
  });

  it("Azure.Identity's ClientSecretCredential gets a token with a domain as its tenant", async () => {
    const token = await graphTokenWithAzureIdentity(
      service.baseUrl,
      "contoso.onmicrosoft.com",
      clientId,
      "secret",
    );
    expect(decodeJwt(token)).toMatchObject({
      tid: service.server.intune.tokens.tenantId,
      aud: "https://graph.microsoft.com",
    });
  });

  it("a domain the tenant does not have is AADSTS90002, as Entra answers", async () => {
    const response = await fetch(`${service.baseUrl}/fabrikam.com/v2.0/.well-known/openid-configuration`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_tenant", error_codes: [90002] });
  });

  it("without domains given, the default domain imesim.onmicrosoft.com names the tenant", async () => {
    const plain = await startTlsService();
    try {
      expect(plain.server.intune.options.tenantDomains).toEqual(["imesim.onmicrosoft.com"]);
      const token = await graphTokenWithMsal(plain.host, "imesim.onmicrosoft.com", clientId, "secret");
      expect(decodeJwt(token)).toMatchObject({ tid: plain.server.intune.tokens.tenantId });
    } finally {
      await plain.close();
    }
  });

  it("a tenant domain that is not a domain name is refused at start, naming it", async () => {
    await expect(startTlsService({ tenantDomains: ["not a domain"] })).rejects.toMatchObject({
      code: "SERVICE_TENANT_DOMAIN_INVALID",
      message: expect.stringContaining("'not a domain'"),
    });
  });
});
