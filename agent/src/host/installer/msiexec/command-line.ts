// msiexec's command line as Windows Installer accepts it (windows-formats.md §5.1–5.2): options with `/`
// or `-` in any case, `/x{GUID}` glued to its argument, `/l*v log`, public PROPERTY=value pairs (quoted values,
// doubled quotes inside). Anything else is ERROR_INVALID_COMMAND_LINE (1639).

export type MsiexecAction = "install" | "uninstall" | "repair";

export interface MsiexecCommand {
  readonly action: MsiexecAction;
  /** A package path (relative to the working folder) or a `{ProductCode}`. */
  readonly target: string;
  /** UI level: none for /qn and /quiet; the rest are shown as given. */
  readonly ui: "none" | "basic" | "reduced" | "full" | "passive";
  /** Log file and its flags (`*v`), when /l or /log asked for one. */
  readonly log: { readonly path: string; readonly flags: string } | undefined;
  /** Public properties from the command line; /norestart and /forcerestart land in REBOOT. */
  readonly properties: ReadonlyMap<string, string>;
}

export type ParsedMsiexec = { ok: true; command: MsiexecCommand } | { ok: false; reason: string };

/** Splits msiexec arguments: whitespace separates, quotes group (and are removed), `""` inside quotes is `"`. */
export function splitMsiexecArguments(text: string): string[] {
  const words: string[] = [];
  let current = "";
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (ch === '"') {
      if (quoted && text[i + 1] === '"') {
        current += '"';
        i += 1;
      } else quoted = !quoted;
      inWord = true;
    } else if (!quoted && /\s/.test(ch)) {
      if (inWord) words.push(current);
      current = "";
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

// `/q` alone is `/qn`.
const UI_LEVELS: Record<string, MsiexecCommand["ui"]> = { n: "none", b: "basic", r: "reduced", f: "full" };

const ACTIONS: Record<string, MsiexecAction> = {
  i: "install",
  package: "install",
  x: "uninstall",
  uninstall: "uninstall",
};

/** Parses msiexec's argument text; `ok: false` means msiexec would exit with 1639. */
export function parseMsiexecCommandLine(text: string): ParsedMsiexec {
  const words = splitMsiexecArguments(text);
  let action: MsiexecAction | undefined;
  let target: string | undefined;
  let ui: MsiexecCommand["ui"] = "full";
  let log: MsiexecCommand["log"];
  const properties = new Map<string, string>();
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i]!;
    if (/^[/-]/.test(word)) {
      const option = word.slice(1);
      const lower = option.toLowerCase();
      const takeArgument = (glued: string): string | undefined => {
        if (glued !== "") return glued;
        const next = words[i + 1];
        // An option's argument must follow it directly; a property or another option there is an error (§5.2).
        if (next === undefined || /^[/-]/.test(next) || /^[A-Za-z_][\w.]*=/.test(next)) return undefined;
        i += 1;
        return next;
      };
      const actionMatch = /^(package|uninstall|i|x|f[pecdamusvo]*)(.*)$/i.exec(option);
      if (lower === "quiet") ui = "none";
      else if (lower === "passive") ui = "passive";
      else if (lower === "norestart") properties.set("REBOOT", "ReallySuppress");
      else if (lower === "forcerestart") properties.set("REBOOT", "Force");
      else if (lower === "promptrestart") properties.set("REBOOTPROMPT", "");
      else if (/^q[nbrf]?[+\-!]*$/.test(lower)) {
        ui = UI_LEVELS[lower[1] ?? "n"] ?? "none";
      } else if (lower === "log" || /^l[iwearucmopvx+!*]*$/.test(lower)) {
        const path = takeArgument("");
        if (path === undefined) return { ok: false, reason: `${word} needs a log file` };
        log = { path, flags: lower === "log" ? "*" : lower.slice(1) };
      } else if (actionMatch !== null && action === undefined) {
        const name = actionMatch[1]!.toLowerCase();
        const value = takeArgument(actionMatch[2]!);
        if (value === undefined) return { ok: false, reason: `${word} needs a package or product code` };
        action = name.startsWith("f") ? "repair" : ACTIONS[name]!;
        target = value;
      } else {
        return { ok: false, reason: `unknown option ${word}` };
      }
      continue;
    }
    const property = /^([A-Za-z_][\w.]*)=(.*)$/s.exec(word);
    if (property === null) return { ok: false, reason: `unexpected argument "${word}"` };
    // Names on the command line are taken as upper case (public properties); values keep their case.
    properties.set(property[1]!.toUpperCase(), property[2]!);
  }
  if (action === undefined || target === undefined) return { ok: false, reason: "no /i, /x or /f action" };
  return { ok: true, command: { action, target, ui, log, properties } };
}
