import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { ContentSink } from "@imesim/contracts/intunewin";
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

/** A content sink that keeps only the files the lint reads (scripts and small texts), and checks the rest. */
export function scriptTextSink(): ContentSink & { readonly texts: Map<string, Uint8Array> } {
  const staged = new Map<string, Uint8Array>();
  const texts = new Map<string, Uint8Array>();
  return {
    texts,
    directory() {},
    async file(entry, data) {
      const wanted = READABLE.test(entry.path) && entry.size <= MAX_TEXT_BYTES;
      const chunks: Buffer[] = [];
      for await (const chunk of data) if (wanted) chunks.push(Buffer.from(chunk));
      if (wanted) staged.set(entry.path, Buffer.concat(chunks));
    },
    commit() {
      for (const [path, data] of staged) texts.set(path, data);
    },
    abort() {
      staged.clear();
    },
  };
}

/**
 * A listing of `files` whose readable texts are in memory (a decrypted .intunewin's script texts, from
 * scriptTextSink); a file missing from `texts` lists but reads as undefined.
 */
export function listMemory(files: readonly string[], texts: ReadonlyMap<string, Uint8Array>): PackageListing {
  const sorted = files.map((name) => name.replaceAll("\\", "/")).sort();
  const byLower = new Map([...texts].map(([name, data]) => [name.replaceAll("\\", "/").toLowerCase(), data]));
  return {
    files: sorted,
    readText(path) {
      const data = byLower.get(path.replaceAll("\\", "/").replace(/^\.\//, "").toLowerCase());
      if (data === undefined || !READABLE.test(path) || data.length > MAX_TEXT_BYTES) return undefined;
      return Buffer.from(data)
        .toString("utf8")
        .replace(/^\uFEFF/, "");
    },
  };
}
