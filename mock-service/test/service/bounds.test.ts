// Issue 19, "Uploads and commits": impossible sizes and deep nesting are a 400 naming the problem, not a 500.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonDepthExceeds } from "../../src/http/json-depth.ts";
import type { MockIntuneServer } from "../../src/index.ts";
import { adminToken, newContentVersion, sampleApp, startServer } from "./helpers.ts";

let app: MockIntuneServer;
let close: () => Promise<void>;
let headers: { authorization: string };
let filesUrl: string;

beforeAll(async () => {
  const started = await startServer();
  app = started.server;
  close = started.close;
  headers = { authorization: `Bearer ${await adminToken(app)}` };
  filesUrl = await newContentVersion(app, headers);
});
afterAll(async () => close());

const createFile = (size: string, sizeEncrypted: string) =>
  app.inject({
    method: "POST",
    url: filesUrl,
    headers: { ...headers, "content-type": "application/json" },
    payload: `{"name":"a.intunewin","size":${size},"sizeEncrypted":${sizeEncrypted},"isDependency":false}`,
  });

describe("impossible sizes", () => {
  it("refuses sizes beyond 30 GB and non-integers at file creation, naming the member", async () => {
    for (const [size, sizeEncrypted, member] of [
      ["9007199254740994", "100", "size"],
      ["100", "1e300", "sizeEncrypted"],
      ["32212254721", "32212254800", "size"],
      ["10.5", "64", "size"],
      ["-1", "64", "size"],
    ] as const) {
      const response = await createFile(size, sizeEncrypted);
      expect(response.statusCode, `${size}/${sizeEncrypted}`).toBe(400);
      expect(response.json().error.message).toContain(`body/${member}`);
    }
    expect((await createFile("32212254720", "32212254784")).statusCode).toBe(201);
  });
});

describe("deep nesting", () => {
  it("answers a 5,000-level JSON member with 400, not a stack overflow", async () => {
    const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    const response = await app.inject({
      method: "POST",
      url: "/beta/deviceAppManagement/mobileApps",
      headers: { ...headers, "content-type": "application/json" },
      payload: JSON.stringify(sampleApp({ notes: "DEEP" })).replace('"DEEP"', deep),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain("nests deeper than 64 levels");
  });

  it("answers 3,000 nested $filter parentheses with 400 invalidRequest", async () => {
    const filter = `${"(".repeat(3000)}displayName eq 'x'${")".repeat(3000)}`;
    const response = await app.inject({
      url: `/beta/deviceAppManagement/mobileApps?$filter=${encodeURIComponent(filter)}`,
      headers,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe("invalidRequest");
    expect(response.json().error.message).toContain("nests deeper than 32 levels");
    const notChain = `${"not ".repeat(3000)}displayName eq 'x'`;
    const nots = await app.inject({
      url: `/beta/deviceAppManagement/mobileApps?$filter=${encodeURIComponent(notChain)}`,
      headers,
    });
    expect(nots.statusCode).toBe(400);
    const fine = await app.inject({
      url: `/beta/deviceAppManagement/mobileApps?$filter=${encodeURIComponent("((displayName eq '7-Zip'))")}`,
      headers,
    });
    expect(fine.statusCode).toBe(200);
  });

  it("counts depth outside strings only", () => {
    expect(jsonDepthExceeds('{"a":"[[[[[[[["}', 2)).toBe(false);
    expect(jsonDepthExceeds('{"a":"\\"[[[","b":[[1]]}', 3)).toBe(false);
    expect(jsonDepthExceeds('{"b":[[[1]]]}', 3)).toBe(true);
  });
});
