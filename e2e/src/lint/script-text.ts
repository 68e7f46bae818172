// A light reading of PowerShell and batch script text: enough to see the literal values a script prints
// and the places it writes to, without running it.

/**
 * The literal strings a PowerShell script writes to STDOUT: `Write-Output "x"`, `Write-Host x`, `echo x`,
 * `return "x"`, a bare quoted string or number on its own line, `$true`/`$false` (printed True/False).
 */
export function literalOutputs(script: string): string[] {
  const outputs: string[] = [];
  for (const raw of script.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") continue;
    const command = /^(?:write-output|write-host|echo|return)\s+(.+)$/i.exec(line);
    const value =
      command?.[1] ?? (/^(["'].*["']|[+-]?\d+(\.\d+)?|\$true|\$false)$/i.test(line) ? line : undefined);
    if (value === undefined) continue;
    const literal = literalValue(value.trim());
    if (literal !== undefined) outputs.push(literal);
  }
  return outputs;
}

function literalValue(text: string): string | undefined {
  const quoted = /^(["'])(.*)\1$/.exec(text);
  if (quoted) return (quoted[2] ?? "").includes("$") && quoted[1] === '"' ? undefined : (quoted[2] ?? "");
  if (/^\$true$/i.test(text)) return "True";
  if (/^\$false$/i.test(text)) return "False";
  if (/^[+-]?\d+(\.\d+)?$/.test(text)) return text;
  if (/^[A-Za-z0-9._-]+$/.test(text)) return text;
  return undefined;
}

/** True when a PowerShell script can write to STDOUT at all (a detection script must, to detect). */
export function writesOutput(script: string): boolean {
  return (
    literalOutputs(script).length > 0 ||
    /\b(write-output|write-host|echo)\b/i.test(script) ||
    script.split(/\r?\n/).some((line) => /^\s*\$[A-Za-z_][\w]*\s*$/.test(line) || /^\s*["']/.test(line))
  );
}
