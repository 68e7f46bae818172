import { Client } from "@microsoft/microsoft-graph-client";

/** The Graph JavaScript client on imesim's Graph at `baseUrl` (`https://localhost:8443`). */
export function graphClient(baseUrl: string, accessToken: string): Client {
  return Client.init({
    authProvider: (done) => done(null, accessToken),
    baseUrl: `${baseUrl}/`,
    // The client sends its token only to Graph's own hosts, and to these (host names, without the port).
    customHosts: new Set([new URL(baseUrl).hostname]),
    defaultVersion: "beta",
  });
}
