import { describe, expect, it } from "vitest";
import { testedAppOf } from "../../src/package-test/index.ts";

describe("the app definition imesim test reads", () => {
  it("places broken JSON at a line and column", () => {
    const text = '{\n  "install": "setup.exe /S",\n  "detection": [}\n}';
    expect(() => testedAppOf(text, undefined)).toThrow(
      expect.objectContaining({
        code: "TEST_APP_INVALID",
        message: expect.stringMatching(/at line 3, column \d+/),
      }),
    );
  });

  it("says why plain text is not an app: JSON's own complaint", () => {
    expect(() => testedAppOf("hello world", undefined)).toThrow(
      /is not an app definition object: not valid JSON \(Unexpected token 'h'/,
    );
  });

  it("says a lone value is not an app", () => {
    expect(() => testedAppOf("42", undefined)).toThrow(/a single value, not an object/);
  });

  it("names what is wrong with a near-miss short form instead of calling it no app at all", () => {
    const text = JSON.stringify({
      install: "setup.exe /S",
      detection: [{ file: "C:\\Program Files\\App", name: "app.exe" }],
    });
    expect(() => testedAppOf(text, "setup.exe")).toThrow(
      expect.objectContaining({
        code: "TEST_APP_INVALID",
        message: expect.stringMatching(/^is a short app, but detection\[0\]\.name: .*not a known member/),
      }),
    );
    expect(() => testedAppOf('{"id": 1}', undefined)).toThrow(/is neither a Graph win32LobApp/);
  });

  it("reads the short form", () => {
    const app = testedAppOf(
      JSON.stringify({ install: "setup.exe /S", detection: [{ file: "C:\\Program Files\\App\\app.exe" }] }),
      "setup.exe",
    );
    expect(app.policy.InstallCommandLine).toBe("setup.exe /S");
  });
});
