import { basename, dirname, join, relative, sep } from "node:path";
import { ImesimError } from "../errors/index.ts";
import { IntunewinErrorCode } from "./error-codes.ts";
import type { SourceFileHandle, SourceFileSystem } from "./folder-walk.ts";

/** A folder held in memory, seen by a pack as a folder on disk (folder-walk.ts's SourceFileSystem). */
export interface MemoryFolder {
  /** The folder's path: what the pack is told its source folder is, and what errors name. */
  readonly root: string;
  readonly fileSystem: SourceFileSystem;
  /** A file's bytes by its path (under `root`), undefined when there is none. */
  bytesOf(path: string): Buffer | undefined;
}

function missing(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOENT: no such file or directory, '${path}'`), { code: "ENOENT", path });
}

/**
 * Files by relative path (`/` or `\` separated, as a scenario writes them) as the folder writing them under
 * `root` would make: every ancestor a folder, `.` and empty segments collapsed as `join` collapses them, a later
 * file replacing an earlier one at the same path, and all with one last-write time. Throws
 * INTUNEWIN_SOURCE_FOLDER_INVALID for a path that leaves the folder or that is both a file and a folder.
 */
export function memoryFolder(
  root: string,
  files: Readonly<Record<string, string | Uint8Array>>,
  modifiedMs: number,
): MemoryFolder {
  const bytes = new Map<string, Buffer>();
  const children = new Map<string, Set<string>>([[root, new Set()]]);
  for (const [name, content] of Object.entries(files)) {
    const path = join(root, ...name.split(/[\\/]/));
    const inside = relative(root, path);
    if (inside === "" || inside.startsWith("..") || children.has(path))
      throw new ImesimError(
        IntunewinErrorCode.sourceFolderInvalid,
        `package file ${name} is not a file inside the package's folder`,
        { path: name },
      );
    for (let child = path; ; child = dirname(child)) {
      const parent = dirname(child);
      if (bytes.has(parent))
        throw new ImesimError(
          IntunewinErrorCode.sourceFolderInvalid,
          `package file ${name} is inside ${relative(root, parent).split(sep).join("/")}, which is a file`,
          { path: name },
        );
      const known = children.get(parent);
      if (known !== undefined) {
        known.add(basename(child));
        break;
      }
      children.set(parent, new Set([basename(child)]));
    }
    bytes.set(path, typeof content === "string" ? Buffer.from(content, "utf8") : Buffer.from(content));
  }
  const stat = async (path: string) => {
    const file = bytes.get(path);
    if (file === undefined && !children.has(path)) throw missing(path);
    return {
      isDirectory: () => file === undefined,
      isFile: () => file !== undefined,
      size: file?.length ?? 0,
      mtimeMs: modifiedMs,
    };
  };
  const open = async (path: string): Promise<SourceFileHandle> => {
    const file = bytes.get(path);
    if (file === undefined) throw missing(path);
    return {
      async read(buffer, offset, length, position) {
        return { bytesRead: file.copy(buffer, offset, position, Math.min(file.length, position + length)) };
      },
      async close() {},
    };
  };
  const readdir = async (path: string) => {
    const names = children.get(path);
    if (names === undefined) throw missing(path);
    return [...names];
  };
  return { root, fileSystem: { readdir, stat, open }, bytesOf: (path) => bytes.get(path) };
}
