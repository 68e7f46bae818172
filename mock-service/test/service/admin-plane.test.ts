// Issue 19 / contract A: the admin plane can change what devices receive, so it needs the admin token.
import { afterEach, describe, expect, it } from "vitest";
import { adminHeaders, startServer } from "./helpers.ts";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const plan = {
  rules: [{ id: "down", match: { route: "gateway" }, effect: { kind: "status", status: 503 } }],
};

describe("the admin plane", () => {
  it("refuses a caller without the admin token, or with another, changing nothing", async () => {
    const started = await startServer();
    close = started.close;
    const app = started.server;
    const anonymous = await app.inject({ method: "POST", url: "/admin/faults", payload: plan });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe("unauthenticated");
    expect(anonymous.headers["www-authenticate"]).toContain("Bearer");
    const wrong = await app.inject({
      method: "PUT",
      url: "/admin/apps/00000000-0000-4000-8000-000000000000/imePolicy",
      headers: { authorization: "Bearer not-the-token-at-all" },
      payload: { InstallCommandLine: "evil.exe" },
    });
    expect(wrong.statusCode).toBe(401);
    expect(app.intune.faults.plan().rules).toEqual([]);
    const allowed = await app.inject({
      method: "POST",
      url: "/admin/faults",
      headers: adminHeaders(app),
      payload: plan,
    });
    expect(allowed.statusCode).toBe(200);
    expect(app.intune.faults.plan().rules).toHaveLength(1);
    // The OpenAPI document stays public: it describes routes, it changes nothing.
    expect((await app.inject("/openapi.json")).statusCode).toBe(200);
  });

  it("takes a given token, and is open only when explicitly insecure", async () => {
    const token = "a-long-enough-admin-token";
    const given = await startServer({ adminToken: token });
    close = given.close;
    expect(given.server.intune.options.adminToken).toBe(token);
    const ok = await given.server.inject({
      url: "/admin/faults",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(ok.statusCode).toBe(200);
    await given.close();
    close = undefined;

    const open = await startServer({ insecureAdmin: true });
    close = open.close;
    expect((await open.server.inject("/admin/faults")).statusCode).toBe(200);
    await expect(startServer({ insecureAdmin: true, adminToken: token })).rejects.toThrow(
      /exclude each other/,
    );
    await expect(startServer({ adminToken: "short" })).rejects.toThrow(/at least 16/);
  });
});
