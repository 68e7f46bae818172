// The in-process transport gives the mock a request path as `new URL(path, "http://localhost")` writes it (dot
// segments resolved, the query percent-encoded), but skips the parse for paths that would come back unchanged.
// Both ways must agree on every path: those a fleet sends, and each spelling the parse does change.
import { describe, expect, it } from "vitest";
import { resolvedPath } from "../../src/run/in-process-http.ts";

const asParsed = (path: string): string => {
  const url = new URL(path, "http://localhost");
  return url.pathname + url.search;
};

describe("resolvedPath", () => {
  it("is the URL parse's path and query, for plain paths and for every spelling the parse rewrites", () => {
    const paths = [
      // What a fleet's devices send.
      "/RestUserAuthLocationService/RestUserAuthLocationService/Certificate/ServiceAddresses",
      "/2b5c3f8e-1d2a-4c5b-9e7f-0a1b2c3d4e5f/oauth2/v2.0/token",
      "/SideCar/SideCarGatewaySessions('0f9e8d7c-6b5a-4f3e-8d2c-1b0a9f8e7d6c')?api-version=1.5",
      "/content/0f9e8d7c-6b5a-4f3e-8d2c-1b0a9f8e7d6c/1b0a9f8e.intunewin.bin?d=AbC&e=1900000000&sig=x_Y-z",
      "/beta/deviceAppManagement/mobileApps?$filter=isof('microsoft.graph.win32LobApp')",
      // What the parse changes: dot segments (also percent-encoded), quotes and spaces in the query, an empty
      // query, a fragment, backslashes, characters outside ASCII, a doubled leading slash.
      "/a/./b",
      "/a/../b",
      "/a/%2E%2e/b",
      "/a/.",
      "/.well-known/openid-configuration",
      "/a?x='y'",
      "/a?x=1 2",
      "/a b",
      "/a?",
      "/a#frag",
      "/a\\b",
      "/caf\u00e9?q=\u00e9",
      "/a\tb",
      "//host/path",
      '/a"b',
      "/a{b}^c|d",
      "/a?b=%zz&c=%41",
    ];
    for (const path of paths) expect(resolvedPath(path), path).toBe(asParsed(path));
  });
});
