// Where a package's expanded content goes on its way into the virtual device: small files stay in memory, as
// before, and everything past a memory budget is written to a real file the device's entry then refers to
// (DiskBacking). A 1 GiB package used to sit in memory three times over (sink, copy, file system) in `imesim
// test`; now it costs the budget, whatever the package's size.
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ContentEntry, ContentSink } from "@imesim/contracts/intunewin";
import type { DiskBacking } from "./file-store.ts";

/** How much a spill sink keeps in memory. */
export interface SpillLimits {
  /** Bytes of file content kept in memory, in total. */
  readonly memoryBytes: number;
  /** Files larger than this always go to disk. */
  readonly fileBytes: number;
}

/** Up to 16 MiB in memory, no file over 1 MiB: scripts, .reg and small installers stay fast to read. */
export const DEFAULT_SPILL_LIMITS: SpillLimits = { memoryBytes: 16 << 20, fileBytes: 1 << 20 };

/** A content sink whose files are bytes or DiskBackings, filled on commit. */
export interface SpillSink extends ContentSink {
  readonly files: Map<string, Uint8Array | DiskBacking>;
}

/**
 * A sink spilling into a fresh folder under the folder `parent` gives; the caller removes that folder when the files
 * are no longer used. `parent` is asked for only when a file spills: a fleet's small packages never touch the real
 * disk, where a folder made per device up front cost each device a mkdtemp and a rm (issue 18).
 */
export function createSpillSink(
  parent: () => Promise<string>,
  limits: SpillLimits = DEFAULT_SPILL_LIMITS,
): SpillSink {
  const staged = new Map<string, Uint8Array | DiskBacking>();
  const files = new Map<string, Uint8Array | DiskBacking>();
  let folder: Promise<string> | undefined;
  let kept = 0;
  let written = 0;
  return {
    files,
    directory() {
      // The virtual device's folders are made from the files' paths, as with the memory sink.
    },
    async file(entry: ContentEntry, data: AsyncIterable<Buffer>) {
      if (entry.size <= limits.fileBytes && kept + entry.size <= limits.memoryBytes) {
        kept += entry.size;
        const chunks: Buffer[] = [];
        for await (const chunk of data) chunks.push(Buffer.from(chunk));
        staged.set(entry.path, new Uint8Array(Buffer.concat(chunks)));
        return;
      }
      folder ??= parent().then((path) => mkdtemp(join(path, "unzip-")));
      // Flat, numbered names: the entry's own path is the virtual device's business, not the real disk's.
      const diskPath = join(await folder, String(written));
      written += 1;
      await pipeline(Readable.from(data), createWriteStream(diskPath));
      staged.set(entry.path, { diskPath, size: entry.size });
    },
    commit() {
      for (const [path, content] of staged) files.set(path, content);
      staged.clear();
    },
    async abort() {
      staged.clear();
      if (folder !== undefined) await rm(await folder, { recursive: true, force: true });
    },
  };
}
