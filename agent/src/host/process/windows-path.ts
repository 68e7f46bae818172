// Path text as cmd and msiexec handle it: resolving against a working folder, splitting into the parts the
// `%~` modifiers print. Pure string work; the device's FileSystem does the real lookups.

/** Strips one pair of surrounding double quotes (and any stray ones), as `%~1` does. */
export function unquote(text: string): string {
  return text.replaceAll('"', "");
}

/** True for `C:\…` (or `C:/…`). */
export function isAbsoluteWindowsPath(path: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(path);
}

/** Resolves `path` against the working folder `cwd` (an absolute path): `.`/`..`, `\x`, `C:x`, `/` as `\`. */
export function resolveWindowsPath(cwd: string, path: string): string {
  const text = unquote(path).replaceAll("/", "\\");
  let combined: string;
  if (/^[A-Za-z]:\\/.test(text)) combined = text;
  else if (/^[A-Za-z]:/.test(text)) {
    const drive = text.slice(0, 2);
    combined =
      drive.toUpperCase() === cwd.slice(0, 2).toUpperCase()
        ? `${cwd}\\${text.slice(2)}`
        : `${drive}\\${text.slice(2)}`;
  } else if (text.startsWith("\\")) combined = `${cwd.slice(0, 2)}${text}`;
  else combined = `${cwd}\\${text}`;
  return normalizePathText(combined);
}

/** Removes `.`, `..`, doubled separators and the trailing `\` (except on a drive root). */
export function normalizePathText(path: string): string {
  const drive = path.slice(0, 2).toUpperCase();
  const names: string[] = [];
  for (const name of path.slice(2).split("\\")) {
    if (name === "" || name === ".") continue;
    if (name === "..") names.pop();
    else names.push(name);
  }
  return names.length === 0 ? `${drive}\\` : `${drive}\\${names.join("\\")}`;
}

/** The folder holding `path` (an absolute path), without a trailing `\` unless it is a drive root. */
export function parentPath(path: string): string {
  const index = path.lastIndexOf("\\");
  if (index <= 2) return `${path.slice(0, 2)}\\`;
  return path.slice(0, index);
}

/** The last name of a path. */
export function baseName(path: string): string {
  const index = path.lastIndexOf("\\");
  return index < 0 ? path : path.slice(index + 1);
}

/** Joins a folder and a name with exactly one `\`. */
export function joinPath(folder: string, name: string): string {
  return folder.endsWith("\\") ? `${folder}${name}` : `${folder}\\${name}`;
}

/** True when a name pattern holds `*` or `?`. */
export function hasWildcard(text: string): boolean {
  return text.includes("*") || text.includes("?");
}

/** Matches a file name against a cmd wildcard pattern, case-insensitively (`*.*` also matches names without a dot). */
export function matchesWildcard(name: string, pattern: string): boolean {
  if (pattern === "*.*" || pattern === "*") return true;
  let source = "^";
  for (const ch of pattern) {
    if (ch === "*") source += ".*";
    else if (ch === "?") source += ".?";
    else source += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`${source}$`, "i").test(name);
}
