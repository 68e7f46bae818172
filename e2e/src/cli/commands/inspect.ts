import { type InspectResult, IntunewinErrorCode, inspectPackage } from "@imesim/contracts/intunewin";
import type { Command } from "commander";
import { CodecExit, progressReporter, reportCodecError } from "./pack.ts";

function formatText(path: string, result: InspectResult): string {
  const lines = [`Package        ${path}`];
  const d = result.detection;
  if (d !== undefined) {
    lines.push(
      `ToolVersion    ${d.ToolVersion}`,
      `Name           ${d.Name}`,
      `SetupFile      ${d.SetupFile}`,
      `FileName       ${d.FileName}`,
      `Unencrypted    ${d.UnencryptedContentSize} bytes`,
    );
  }
  if (result.sizes !== undefined) {
    lines.push(
      `Package size   ${result.sizes.package} bytes`,
      `Encrypted      ${result.sizes.encrypted} bytes`,
    );
    if (result.sizes.expanded !== undefined) lines.push(`Expanded       ${result.sizes.expanded} bytes`);
  }
  if (d?.MsiInfo !== undefined) {
    lines.push("MsiInfo");
    for (const [key, value] of Object.entries(d.MsiInfo)) lines.push(`  ${key.padEnd(30)} ${String(value)}`);
  }
  if (result.entries.length > 0) {
    const count = result.entries.length;
    lines.push(`Content (${count} ${count === 1 ? "entry" : "entries"})`);
    for (const entry of result.entries) {
      lines.push(
        `  ${entry.isDirectory ? "".padStart(12) : String(entry.size).padStart(12)}  ${entry.path}${entry.isDirectory ? "/" : ""}`,
      );
    }
  }
  lines.push(result.findings.length === 0 ? "Findings       none" : "Findings");
  for (const finding of result.findings)
    lines.push(`  ${finding.severity.padEnd(7)} ${finding.code}: ${finding.message}`);
  return `${lines.join("\n")}\n`;
}

/** The finding that says the input file itself could not be opened or read, when that is why nothing was inspected. */
function unreadableInput(result: InspectResult): InspectResult["findings"][number] | undefined {
  if (result.detection !== undefined) return undefined;
  return result.findings.find((finding) => finding.code === IntunewinErrorCode.ioFailed);
}

/** `imesim inspect <package> [--json]`: metadata, sizes, MSI info, content list and findings. */
export function registerInspect(program: Command): void {
  program
    .command("inspect")
    .description(
      "Check a .intunewin as Intune and the IME would, and show its metadata, content and findings",
    )
    .argument("<package>", "the .intunewin package")
    .option("--json", "print the result as JSON")
    .action(async (packagePath: string, options: { json?: boolean }) => {
      const progress = progressReporter("verifying");
      try {
        const result = await inspectPackage(packagePath, { onProgress: progress.update });
        progress.stop();
        const unreadable = unreadableInput(result);
        if (unreadable !== undefined) {
          // The file could not even be opened: that is unusable input (exit 2, as unpack says), not a bad package.
          // --json still prints the result (its one finding says why), so a script reading stdout gets an answer.
          if (options.json === true) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          process.stderr.write(`imesim inspect: ${unreadable.message} [${unreadable.code}]\n`);
          process.exitCode = CodecExit.invalidInput;
          return;
        }
        process.stdout.write(
          options.json === true ? `${JSON.stringify(result, null, 2)}\n` : formatText(packagePath, result),
        );
        process.exitCode = result.valid ? CodecExit.ok : CodecExit.failed;
      } catch (error) {
        progress.stop();
        reportCodecError("inspect", error);
      }
    });
}
