import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { PackageListing } from "../lint/index.ts";

/** Script files the lint reads (it looks for what they write and where); larger files are not read. */
const READABLE = /\.(cmd|bat|ps1|psm1|vbs|txt|reg|ini|json|xml)$/i;
const MAX_TEXT_BYTES = 4 * 1024 * 1024;

/** Lists a package source folder as the inner zip would hold it (`/`-separated paths relative to the folder). */
export function listFolder(root: string): PackageListing {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.push(relative(root, full).split(sep).join("/"));
    }
  };
  walk(root);
  files.sort();
  return {
    files,
    readText(path) {
      const wanted = path.replaceAll("\\", "/").replace(/^\.\//, "").toLowerCase();
      const match = files.find((file) => file.toLowerCase() === wanted);
      if (match === undefined || !READABLE.test(match)) return undefined;
      const full = join(root, match);
      if (statSync(full).size > MAX_TEXT_BYTES) return undefined;
      return readFileSync(full, "utf8").replace(/^\uFEFF/, "");
    },
  };
}

/** A listing over in-memory files (a decrypted .intunewin's inner zip, or a scenario's inline files). */
export function listMemory(entries: ReadonlyMap<string, Uint8Array>): PackageListing {
  const files = [...entries.keys()].map((name) => name.replaceAll("\\", "/")).sort();
  const byLower = new Map(
    [...entries].map(([name, data]) => [name.replaceAll("\\", "/").toLowerCase(), data]),
  );
  return {
    files,
    readText(path) {
      const data = byLower.get(path.replaceAll("\\", "/").replace(/^\.\//, "").toLowerCase());
      if (data === undefined || !READABLE.test(path) || data.length > MAX_TEXT_BYTES) return undefined;
      return Buffer.from(data)
        .toString("utf8")
        .replace(/^\uFEFF/, "");
    },
  };
}
