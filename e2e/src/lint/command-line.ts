// Reads a Windows command line the way the IME's CreateProcess call will: which program starts, with
// which arguments, and which files of the package it names.

/** Splits a command line into arguments: whitespace separates, double quotes group and are removed. */
export function splitCommandLine(commandLine: string): string[] {
  const args: string[] = [];
  let current = "";
  let inQuotes = false;
  let started = false;
  for (const char of commandLine) {
    if (char === '"') {
      inQuotes = !inQuotes;
      started = true;
    } else if (/\s/.test(char) && !inQuotes) {
      if (started) args.push(current);
      current = "";
      started = false;
    } else {
      current += char;
      started = true;
    }
  }
  if (started) args.push(current);
  return args;
}

/** The file name of a Windows path, lower-cased, without `.exe`: `C:\Windows\System32\cmd.exe` → `cmd`. */
export function programName(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  return base.toLowerCase().replace(/\.exe$/, "");
}

/** Programs found on every Windows device; a bare name of one of these does not need to be in the package. */
const SYSTEM_PROGRAMS = new Set([
  "msiexec",
  "cmd",
  "powershell",
  "pwsh",
  "wscript",
  "cscript",
  "reg",
  "regedit",
  "regsvr32",
  "rundll32",
  "xcopy",
  "robocopy",
  "winget",
  "dism",
  "sc",
  "net",
  "schtasks",
  "taskkill",
  "icacls",
  "expand",
  "wusa",
  "mshta",
  "certutil",
]);

/** True for a program every Windows device has. */
export function isSystemProgram(name: string): boolean {
  return SYSTEM_PROGRAMS.has(programName(name));
}

/** True for a path that is relative to the working directory (the IMECache folder), so it must come from the package. */
export function isPackageRelative(path: string): boolean {
  return !/^([A-Za-z]:|\\\\|%|\$)/.test(path) && !path.startsWith("/");
}

/** What a command line starts, seen through the launcher it uses. */
export interface LaunchedCommand {
  readonly program: string;
  readonly args: readonly string[];
  /** The package files the command names (program, /i target, -File script, …), as written. */
  readonly packageFiles: readonly string[];
  readonly kind: "msiexec" | "cmd" | "powershell" | "other";
}

/** Works out which package files a command line needs and through which launcher it runs. */
export function analyzeCommand(commandLine: string): LaunchedCommand {
  const [program = "", ...args] = splitCommandLine(commandLine.trim());
  const name = programName(program);
  const files: string[] = [];
  const need = (path: string | undefined) => {
    if (path !== undefined && path !== "" && isPackageRelative(path) && !path.startsWith("{"))
      files.push(path);
  };
  if (!isSystemProgram(program)) need(program);
  if (name === "msiexec") {
    for (let i = 0; i < args.length; i += 1) {
      const arg = args[i] ?? "";
      if (/^[/-](i|package|a|update|p|fa|fo|fe|fs)$/i.test(arg)) need(args[i + 1]);
      const transforms = /^TRANSFORMS=(.*)$/i.exec(arg);
      if (transforms) for (const mst of (transforms[1] ?? "").split(";")) need(mst.replace(/^@|^:/, ""));
    }
    return { program, args, packageFiles: files, kind: "msiexec" };
  }
  if (name === "cmd") {
    const index = args.findIndex((arg) => /^\/[ck]$/i.test(arg));
    const target = index >= 0 ? args[index + 1] : undefined;
    if (target !== undefined && /\.(cmd|bat)$/i.test(target)) need(target);
    return { program, args, packageFiles: files, kind: "cmd" };
  }
  if (name === "powershell" || name === "pwsh") {
    const index = args.findIndex((arg) => /^-f(ile)?$/i.test(arg));
    need(index >= 0 ? args[index + 1] : undefined);
    return { program, args, packageFiles: files, kind: "powershell" };
  }
  if (name === "wscript" || name === "cscript")
    need(args.find((arg) => !arg.startsWith("/") && !arg.startsWith("//")));
  return { program, args, packageFiles: files, kind: "other" };
}
