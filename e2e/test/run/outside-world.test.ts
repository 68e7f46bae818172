// A scenario's `web:` and `packages:` become the device's modelled internet and package catalogue.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { outsideWorldOf } from "../../src/run/outside-world.ts";
import { parseScenario } from "../../src/scenario/index.ts";

const dir = mkdtempSync(join(tmpdir(), "imesim-web-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scenario = (extra: string) =>
  parseScenario(
    `name: web\nduration: 1h\napps:\n  - name: App\n    short:\n      install: install.cmd\n      detection:\n        - file: C:\\\\x.txt\n    package: { folder: pkg }\n${extra}`,
    { file: "web.yaml", baseDir: dir, probe: { kind: () => "directory" } },
  );

describe("scenario web: and packages:", () => {
  it("serves files (relative to the scenario), inline text and statuses; lists catalogue packages", () => {
    writeFileSync(join(dir, "script.ps1"), "'from file'");
    const world = outsideWorldOf(
      scenario(
        "web:\n  urls:\n    - { url: 'https://example.com/a.ps1', file: script.ps1 }\n" +
          "    - { url: 'https://example.com/b.txt', content: inline }\n" +
          "    - { url: 'https://example.com/gone', status: 404 }\n" +
          "packages:\n  - { manager: winget, id: Contoso.Tool, version: '1.2', files: [{ path: 'C:\\\\Tools\\\\t.exe', version: 1.2.0.0 }] }\n",
      ),
    );
    const text = (url: string) => {
      const answer = world.fetch(url);
      return answer.kind === "content" ? new TextDecoder().decode(answer.content) : answer.kind;
    };
    expect(text("https://EXAMPLE.com/a.ps1")).toBe("'from file'");
    expect(text("https://example.com/b.txt")).toBe("inline");
    expect(world.fetch("https://example.com/gone")).toEqual({ kind: "status", status: 404 });
    expect(world.fetch("https://example.com/other")).toEqual({ kind: "unlisted" });
    // Chocolatey's bootstrap is always answered by imesim's own model.
    expect(text("https://community.chocolatey.org/install.ps1")).toContain("Install-ImesimChocolatey");
    expect(world.findPackage("winget", "contoso.tool")).toMatchObject({ version: "1.2" });
    expect(world.findPackage("choco", "contoso.tool")).toBeUndefined();
  });

  it("offline: every fetch fails by host name; a URL entry with nothing to serve is refused, named", () => {
    const offline = outsideWorldOf(scenario("web:\n  offline: true\n"));
    expect(offline.fetch("https://community.chocolatey.org/install.ps1")).toEqual({
      kind: "offline",
      host: "community.chocolatey.org",
    });
    expect(() => outsideWorldOf(scenario("web:\n  urls:\n    - { url: 'https://example.com/x' }\n"))).toThrow(
      /web\.urls\[0\] \(https:\/\/example\.com\/x\): give file, content or status/,
    );
    expect(() =>
      outsideWorldOf(scenario("web:\n  urls:\n    - { url: 'https://example.com/x', file: nope.ps1 }\n")),
    ).toThrow(/cannot read .*nope\.ps1/);
  });
});
