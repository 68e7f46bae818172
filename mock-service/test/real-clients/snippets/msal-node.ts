import { ConfidentialClientApplication } from "@azure/msal-node";

/** An app-only Graph token from imesim with MSAL Node; `host` is `name:port`, `tenant` its id or a domain. */
export async function graphTokenWithMsal(
  host: string,
  tenant: string,
  clientId: string,
  clientSecret: string,
): Promise<string> {
  const msal = new ConfidentialClientApplication({
    auth: {
      clientId,
      clientSecret,
      authority: `https://${host}/${tenant}`,
      // MSAL trusts only Microsoft's clouds unless told otherwise; the port belongs to the name.
      knownAuthorities: [host],
    },
  });
  const result = await msal.acquireTokenByClientCredential({
    scopes: ["https://graph.microsoft.com/.default"],
  });
  if (result === null) throw new Error("MSAL returned no token");
  return result.accessToken;
}
