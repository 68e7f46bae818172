// The PowerShell language as imesim evaluates it: what a script prints and exits with, case by case.
import { describe, expect, it } from "vitest";
import { parseScript } from "../../src/host/installer/powershell/index.ts";
import { runScriptText } from "./run-script.ts";

const run = runScriptText;

const CASES: ReadonlyArray<{ name: string; script: string; stdout: string; exitCode?: number }> = [
  {
    name: "comparisons ignore case unless -c",
    script: "'ABC' -eq 'abc'; 'ABC' -ceq 'abc'",
    stdout: "True\r\nFalse\r\n",
  },
  {
    name: "the left operand's type converts the right",
    script: "10 -gt '9'; '10' -gt '9'",
    stdout: "True\r\nFalse\r\n",
  },
  { name: "a collection on the left filters", script: "(1,2,3,4 -gt 2) -join '+'", stdout: "3+4\r\n" },
  {
    name: "-like, -match with $Matches, -replace, -split",
    script:
      "'setup.exe' -like '*.EXE'; if ('v=1.2' -match 'v=(?<v>[\\d.]+)') { $Matches.v }; 'a-b' -replace '-', '_'; ('a,b' -split ',').Count",
    stdout: "True\r\n1.2\r\na_b\r\n2\r\n",
  },
  {
    name: "-contains and -in",
    script: "@('a','b') -contains 'B'; 'x' -in 'y','z'",
    stdout: "True\r\nFalse\r\n",
  },
  {
    name: "[version] compares numerically, strings do not",
    script: "[version]'1.10' -gt [version]'1.9'; '1.10' -gt '1.9'",
    stdout: "True\r\nFalse\r\n",
  },
  {
    name: "[int] rounds half to even",
    script: "[int]2.5; [int]3.5; [int]'42' + 1",
    stdout: "2\r\n4\r\n43\r\n",
  },
  {
    name: "here-strings expand, single-quoted ones do not",
    script: "$n = 5\n@\"\nn=$n\n\"@\n@'\nn=$n\n'@",
    stdout: "n=5\r\nn=$n\r\n",
  },
  { name: "backtick escapes in double quotes", script: '"a`tb"; "q`"q"', stdout: 'a\tb\r\nq"q\r\n' },
  {
    name: "hashtable and pscustomobject properties",
    script: "$h = @{ Name = 'x' }; $h.Name; $o = [pscustomobject]@{ A = 1; B = 'two' }; $o.B; \"$o\"",
    stdout: "x\r\ntwo\r\n@{A=1; B=two}\r\n",
  },
  {
    name: "splatting a hashtable into a function",
    script: 'function f { param($A, $B) "$A-$B" }\n$p = @{ B = 2; A = 1 }\nf @p',
    stdout: "1-2\r\n",
  },
  {
    name: "functions have their own scope; $script: reaches out",
    script: "$x = 1\nfunction f { $x = 2; $script:y = 3 }\nf\n$x; $y",
    stdout: "1\r\n3\r\n",
  },
  {
    name: "switch -Regex and default",
    script: "switch -Regex ('abc123') { '^\\d' { 'digit' } '\\d+$' { 'ends' } default { 'none' } }",
    stdout: "ends\r\n",
  },
  {
    name: "for, while, do-until, break and continue",
    script:
      "for ($i = 0; $i -lt 5; $i++) { if ($i -eq 1) { continue }; if ($i -eq 3) { break }; $i }\n$j = 0; do { $j++ } until ($j -ge 2); $j",
    stdout: "0\r\n2\r\n2\r\n",
  },
  {
    name: "Sort-Object, Select-Object -First, Measure-Object -Sum",
    script:
      "(3,1,2 | Sort-Object) -join ','; (5,6,7 | Select-Object -First 2) -join ','; (1,2,3 | Measure-Object -Sum).Sum",
    stdout: "1,2,3\r\n5,6\r\n6\r\n",
  },
  { name: "-f formatting", script: "'{0}-{1:D3}-{2,4}' -f 'a', 7, 'b'", stdout: "a-007-   b\r\n" },
  {
    name: "$? and $LASTEXITCODE after a native program",
    script: "reg.exe query HKLM\\SOFTWARE\\Nothing\n$ok = $?\n$LASTEXITCODE; $ok",
    stdout: "1\r\nFalse\r\n",
  },
  {
    name: "-ErrorAction Stop makes a missing path catchable",
    script: "try { Get-Item C:\\nothing -ErrorAction Stop } catch { 'caught: ' + $_.Exception.Message }",
    stdout: "caught: Cannot find path 'C:\\nothing' because it does not exist.\r\n",
  },
  {
    name: "typed catch picks the matching clause",
    script:
      "try { Get-Item C:\\nothing -ErrorAction Stop } catch [System.Management.Automation.ItemNotFoundException] { 'not found' } catch { 'other' }",
    stdout: "not found\r\n",
  },
  {
    name: "script parameters from -File arguments",
    script: "param([string]$Mode = 'Install', [switch]$Quiet)\n\"$Mode $Quiet\"",
    stdout: "Uninstall True\r\n",
  },
  {
    name: "exit N ends the script with N",
    script: "'before'\nexit 3010\n'after'",
    stdout: "before\r\n",
    exitCode: 3010,
  },
];

describe("the PowerShell language", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const result = run(
        c.script,
        c.name.startsWith("script parameters") ? ["-Mode", "Uninstall", "-Quiet"] : [],
      );
      expect(result.notModelled).toBeUndefined();
      expect(result.stdout).toBe(c.stdout);
      expect(result.exitCode).toBe(c.exitCode ?? 0);
    });
  }

  it("a syntax error names the script's line", () => {
    expect(() => parseScript("$a = 1\nif ($a { 'x' }", "install.ps1")).toThrow(/install\.ps1 line 2/);
  });

  it("an unmodelled .NET member stops the script with its line instead of guessing", () => {
    const result = run("'one'\n[System.Security.Principal.WindowsIdentity]::GetCurrent()");
    expect(result.notModelled).toMatch(
      /line 2: `\[System\.Security\.Principal\.WindowsIdentity\]::GetCurrent` is not modelled/,
    );
    expect(result.stdout).toBe("one\r\n");
  });
});
