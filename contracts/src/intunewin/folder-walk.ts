import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { ImesimError } from "../errors/index.ts";
import { IntunewinErrorCode } from "./error-codes.ts";

/** A file or empty folder to put in the content zip; `name` is the zip entry name with `/`. */
export interface SourceItem {
  name: string;
  absolutePath: string;
  isDirectory: boolean;
  size: number;
  modified: Date;
}

/** Ordinal, case-insensitive order: how the 1.8.4.0 fixture lists `Install-…` before `install.bat`. */
function compareNames(a: string, b: string): number {
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Lists a source folder as the tool lays out its content zip (intunewin.md §1.4): a folder's files first,
 * then its sub-folders, recursively; plain folders get no entry, empty folders get `name/`.
 */
export async function walkSourceFolder(root: string): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  const visit = async (folder: string, prefix: string): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(folder);
    } catch (error) {
      throw new ImesimError(
        IntunewinErrorCode.sourceFolderInvalid,
        `cannot read folder ${folder}: ${(error as Error).message}`,
      );
    }
    const files: SourceItem[] = [];
    const folders: { name: string; path: string }[] = [];
    for (const name of names.sort(compareNames)) {
      const path = join(folder, name);
      // stat follows links, as Windows file APIs do for the tool.
      const info = await stat(path).catch((error: Error) => {
        throw new ImesimError(
          IntunewinErrorCode.sourceFolderInvalid,
          `cannot read ${path}: ${error.message}`,
        );
      });
      if (info.isDirectory()) folders.push({ name, path });
      else if (info.isFile()) {
        files.push({
          name: prefix + name,
          absolutePath: path,
          isDirectory: false,
          size: info.size,
          modified: info.mtime,
        });
      }
    }
    items.push(...files);
    for (const sub of folders) {
      const before = items.length;
      await visit(sub.path, `${prefix}${sub.name}/`);
      if (items.length === before) {
        const info = await stat(sub.path);
        items.push({
          name: `${prefix}${sub.name}/`,
          absolutePath: sub.path,
          isDirectory: true,
          size: 0,
          modified: info.mtime,
        });
      }
    }
  };
  await visit(root, "");
  return items;
}
