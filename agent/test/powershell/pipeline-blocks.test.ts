// Functions and scripts written with begin/process/end blocks: process runs once per piped object with
// `$_`, `$input` and ValueFromPipeline(ByPropertyName) parameters bound to it; dynamicparam is refused, located.
import { describe, expect, it } from "vitest";
import { parseScript } from "../../src/host/installer/powershell/index.ts";
import { runScriptText } from "./run-script.ts";

const run = runScriptText;

const CASES: ReadonlyArray<{ name: string; script: string; stdout: string }> = [
  {
    name: "begin once, process per object with $_, end once",
    script: "function Add-One { begin { 'start' } process { $_ + 1 } end { 'done' } }\n1, 2, 3 | Add-One",
    stdout: "start\r\n2\r\n3\r\n4\r\ndone\r\n",
  },
  {
    name: "a ValueFromPipeline parameter is bound to each object, and still works when passed by name",
    script: [
      "function Get-Square {",
      "  [CmdletBinding()]",
      "  param([Parameter(Mandatory = $true, ValueFromPipeline = $true)][int]$Number)",
      "  process { $Number * $Number }",
      "}",
      "'2', '3' | Get-Square",
      "Get-Square -Number 5",
    ].join("\n"),
    stdout: "4\r\n9\r\n25\r\n",
  },
  {
    name: "ValueFromPipelineByPropertyName binds the object's property of the parameter's name",
    script: [
      "function Show-App {",
      "  param([Parameter(ValueFromPipelineByPropertyName)][string]$DisplayName)",
      '  process { "app: $DisplayName" }',
      "}",
      "[pscustomobject]@{ DisplayName = 'Contoso' }, [pscustomobject]@{ DisplayName = 'Fabrikam' } | Show-App",
    ].join("\n"),
    stdout: "app: Contoso\r\napp: Fabrikam\r\n",
  },
  {
    name: "$input: the current object in process, everything in an end-only function",
    script: [
      "function Count-In { end { @($input).Count } }",
      'function Echo-In { process { foreach ($i in $input) { "<$i>" } } }',
      "'a', 'b', 'c' | Count-In",
      "'x', 'y' | Echo-In",
    ].join("\n"),
    stdout: "3\r\n<x>\r\n<y>\r\n",
  },
  {
    name: "return in process moves on to the next object; begin state carries to end",
    script: [
      "function Sum-Odd {",
      "  begin { $total = 0 }",
      "  process { if ($_ % 2 -eq 0) { return }; $total += $_ }",
      "  end { $total }",
      "}",
      "1..5 | Sum-Odd",
    ].join("\n"),
    stdout: "9\r\n",
  },
  {
    name: "without pipeline input, process runs once",
    script: "function Once { begin { 'b' } process { 'p' } end { 'e' } }\nOnce",
    stdout: "b\r\np\r\ne\r\n",
  },
  {
    name: "a script file written with begin/process/end runs its blocks in order",
    script: "param([string]$Name = 'x')\nbegin { \"begin $Name\" }\nprocess { 'process' }\nend { 'end' }",
    stdout: "begin x\r\nprocess\r\nend\r\n",
  },
  {
    name: "a script block with process is a pipeline filter",
    script: "1, 2 | & { process { $_ * 10 } }",
    stdout: "10\r\n20\r\n",
  },
];

describe("begin/process/end blocks", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const result = run(c.script);
      expect(result.notModelled).toBeUndefined();
      expect(result.stderr).toBe("");
      expect(result.stdout).toBe(c.stdout);
    });
  }

  it("dynamicparam is refused with its line, never evaluated", () => {
    const text =
      "function Get-Thing {\n  [CmdletBinding()]\n  param()\n  dynamicparam { $null }\n  process { 'x' }\n}";
    expect(() => parseScript(text, "install.ps1")).toThrow(
      /install\.ps1 line 4: `dynamicparam` is not modelled/,
    );
  });
});
