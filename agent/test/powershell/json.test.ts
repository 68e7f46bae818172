// ConvertTo-Json / ConvertFrom-Json as Windows PowerShell 5.1 writes and reads JSON: custom compliance
// discovery scripts end in `| ConvertTo-Json -Compress`, detection scripts read settings files.
import { describe, expect, it } from "vitest";
import { runScriptText } from "./run-script.ts";

function stdoutOf(script: string): string {
  const result = runScriptText(script);
  expect(result.notModelled).toBeUndefined();
  expect(result.stderr).toBe("");
  return result.stdout;
}

describe("ConvertTo-Json", () => {
  it("writes a discovery script's hashtable compressed, in the hashtable's order, with 5.1's escapes", () => {
    const out = stdoutOf(
      [
        "$hash = [ordered]@{ BiosVersion = 'A<1>'; Encrypted = $true; Disks = 2; Owner = \"O'Neil & co\"; Missing = $null }",
        "return $hash | ConvertTo-Json -Compress",
      ].join("\n"),
    );
    expect(out).toBe(
      '{"BiosVersion":"A\\u003c1\\u003e","Encrypted":true,"Disks":2,"Owner":"O\\u0027Neil \\u0026 co","Missing":null}\r\n',
    );
  });

  it("lays out indented JSON as 5.1 does: members 4 right of their bracket, two spaces after the colon", () => {
    const out = stdoutOf("[ordered]@{ Name = 'x'; Items = @(1, 2); Empty = @{} } | ConvertTo-Json");
    expect(out).toBe(
      [
        "{",
        '    "Name":  "x",',
        '    "Items":  [',
        "                  1,",
        "                  2",
        "              ],",
        '    "Empty":  {',
        "",
        "              }",
        "}",
        "",
      ].join("\r\n"),
    );
  });

  it("writes an object past -Depth as its string, and several pipeline objects as one array", () => {
    expect(stdoutOf("@{ a = @{ b = @{ c = @{ d = 1 } } } } | ConvertTo-Json -Compress")).toBe(
      '{"a":{"b":{"c":"System.Collections.Hashtable"}}}\r\n',
    );
    expect(stdoutOf("@{ a = @{ b = @{ c = 1 } } } | ConvertTo-Json -Compress -Depth 1")).toBe(
      '{"a":{"b":"System.Collections.Hashtable"}}\r\n',
    );
    expect(stdoutOf("1, 'two' | ConvertTo-Json -Compress")).toBe('[1,"two"]\r\n');
    expect(stdoutOf("ConvertTo-Json -InputObject 'plain' -Compress")).toBe('"plain"\r\n');
  });

  it("writes pscustomobjects, versions and dates", () => {
    expect(stdoutOf("[pscustomobject]@{ V = [version]'1.2.3.4' } | ConvertTo-Json -Compress")).toBe(
      '{"V":{"Major":1,"Minor":2,"Build":3,"Revision":4,"MajorRevision":0,"MinorRevision":4}}\r\n',
    );
    expect(stdoutOf("@{ When = [datetime]'2026-01-02T03:04:05Z' } | ConvertTo-Json -Compress")).toBe(
      '{"When":"\\/Date(1767323045000)\\/"}\r\n',
    );
  });

  it("refuses a -Depth out of range with a terminating error a script can catch", () => {
    const out = stdoutOf(
      "try { @{a=1} | ConvertTo-Json -Depth 0 } catch { 'caught: ' + $_.Exception.Message }",
    );
    expect(out).toMatch(/^caught: Cannot validate argument on parameter 'Depth'/);
  });
});

describe("ConvertFrom-Json", () => {
  it("reads objects as PSCustomObjects a script can walk", () => {
    const out = stdoutOf(
      [
        '$settings = \'{"Channel":"Current","Build":"16.0.1","Features":["a","b"],"Nested":{"On":true}}\' | ConvertFrom-Json',
        "$settings.Channel",
        "[version]$settings.Build -ge [version]'16.0'",
        "$settings.Features.Count",
        "$settings.Nested.On",
      ].join("\n"),
    );
    expect(out).toBe("Current\r\nTrue\r\n2\r\nTrue\r\n");
  });

  it("sends a top-level array down the pipeline as one object, as 5.1 does", () => {
    expect(stdoutOf("('[1,2,3]' | ConvertFrom-Json | Measure-Object).Count")).toBe("1\r\n");
  });

  it("round-trips what ConvertTo-Json wrote", () => {
    expect(stdoutOf('(@{ Name = "it\'s" } | ConvertTo-Json | ConvertFrom-Json).Name')).toBe("it's\r\n");
  });

  it("fails on text that is not JSON with an error try/catch sees", () => {
    const out = stdoutOf("try { 'not json' | ConvertFrom-Json } catch { 'caught: ' + $_.Exception.Message }");
    expect(out).toMatch(/^caught: Invalid JSON primitive/);
  });
});
