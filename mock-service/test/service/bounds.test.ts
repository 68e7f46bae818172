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

  it("decides as a walk over every character does, around the limit and with brackets in strings", () => {
    // The plain walk: depth outside strings, a backslash escaping the next character.
    const walk = (text: string, max: number) => {
      let depth = 0;
      let inString = false;
      for (let index = 0; index < text.length; index += 1) {
        const char = text[index];
        if (inString) {
          if (char === "\\") index += 1;
          else if (char === '"') inString = false;
        } else if (char === '"') inString = true;
        else if (char === "{" || char === "[") {
          depth += 1;
          if (depth > max) return true;
        } else if (char === "}" || char === "]") depth -= 1;
      }
      return false;
    };
    const pieces = ["{", "[", "}", "]", '"', '\\"', "[[", '"{["', "1", ",", '"a":'];
    let seed = 11;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let exceeded = 0;
    for (let i = 0; i < 20_000; i += 1) {
      const text = Array.from({ length: next(40) }, () => pieces[next(pieces.length)]).join("");
      const max = next(8);
      expect(jsonDepthExceeds(text, max), `${max} ${text}`).toBe(walk(text, max));
      if (walk(text, max)) exceeded += 1;
    }
    // Both answers occur often among the generated texts.
    expect(exceeded).toBeGreaterThan(2000);
    expect(exceeded).toBeLessThan(18_000);
  });
});
