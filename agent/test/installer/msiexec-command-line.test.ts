import { describe, expect, it } from "vitest";
import { parseMsiexecCommandLine } from "../../src/host/installer/msiexec/index.ts";

describe("msiexec command line", () => {
  it.each([
    ['/i "My App.msi" /qn', { action: "install", target: "My App.msi", ui: "none" }],
    ["-I app.msi /quiet /norestart", { action: "install", target: "app.msi", ui: "none" }],
    [
      "/x{12345678-ABCD-EF01-2345-6789ABCDEF01} /qn",
      { action: "uninstall", target: "{12345678-ABCD-EF01-2345-6789ABCDEF01}" },
    ],
    ["/X app.msi /passive", { action: "uninstall", target: "app.msi", ui: "passive" }],
    ["/package app.msi /qb-", { action: "install", ui: "basic" }],
    ["/fomus app.msi /qn", { action: "repair" }],
  ] as const)("accepts %s", (text, expected) => {
    const parsed = parseMsiexecCommandLine(text);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.command).toMatchObject(expected);
  });

  it("reads properties (upper-cased names, quoted values, doubled quotes) and restart options", () => {
    const parsed = parseMsiexecCommandLine(
      '/i a.msi installdir="C:\\Program Files\\X" NOTE="say ""hi""" /forcerestart /l*v "C:\\t\\a b.log"',
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect([...parsed.command.properties]).toEqual([
      ["INSTALLDIR", "C:\\Program Files\\X"],
      ["NOTE", 'say "hi"'],
      ["REBOOT", "Force"],
    ]);
    expect(parsed.command.log).toEqual({ path: "C:\\t\\a b.log", flags: "*v" });
  });

  it.each(["", "/qn", "/i", "/i /qn app.msi", "/i PROP=1 app.msi", "/zz app.msi", "/i a.msi stray", "/l*v"])(
    "rejects %j (msiexec returns 1639)",
    (text) => {
      expect(parseMsiexecCommandLine(text).ok).toBe(false);
    },
  );
});
