import { ClientSecretCredential } from "@azure/identity";

/** An app-only Graph token from imesim with `@azure/identity`; `tenant` is its id or a domain. */
export async function graphTokenWithAzureIdentity(
  baseUrl: string,
  tenant: string,
  clientId: string,
  clientSecret: string,
): Promise<string> {
  const credential = new ClientSecretCredential(tenant, clientId, clientSecret, {
    authorityHost: baseUrl,
    // Instance discovery asks login.microsoftonline.com about the host; imesim is not in its list.
    disableInstanceDiscovery: true,
  });
  const token = await credential.getToken("https://graph.microsoft.com/.default");
  return token.token;
}
