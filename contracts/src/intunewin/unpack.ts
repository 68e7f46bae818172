import { type ContentSink, createDirectorySink } from "./content-sink.ts";
import type { DetectionXml } from "./detection-xml.ts";
import { type ExtractionLimits, type ExtractionSummary, extractContent } from "./extract-content.ts";
import { readPackage } from "./package-reader.ts";

/** Options of unpackPackage. */
export interface UnpackOptions {
  overwrite?: boolean;
  limits?: Partial<ExtractionLimits>;
  onProgress?: (done: number, total: number) => void;
  /** Stops the unpack: the staging folder is removed, `outputFolder` stays untouched, INTUNEWIN_ABORTED is thrown. */
  signal?: AbortSignal;
}

/** Verifies a .intunewin and extracts its content to `outputFolder`, which changes only if all of it verifies. */
export async function unpackPackage(
  packagePath: string | Uint8Array,
  outputFolder: string,
  options: UnpackOptions = {},
): Promise<{ detection: DetectionXml } & ExtractionSummary> {
  const pkg = await readPackage(packagePath);
  try {
    const sink = await createDirectorySink(outputFolder, { overwrite: options.overwrite === true });
    // Two files in flight: one inflating to disk while the next is decrypted (the directory sink allows it).
    return {
      detection: pkg.detection,
      ...(await extractPackageContent(pkg, sink, { ...options, concurrentFiles: 2 })),
    };
  } finally {
    await pkg.close();
  }
}

/** Verifies an opened package's content and streams it to any sink (e.g. a virtual file system). */
export async function extractPackageContent(
  pkg: Awaited<ReturnType<typeof readPackage>>,
  sink: ContentSink,
  options: Omit<UnpackOptions, "overwrite"> & { concurrentFiles?: number } = {},
): Promise<ExtractionSummary> {
  let content: Awaited<ReturnType<typeof pkg.openContent>>;
  try {
    content = await pkg.openContent();
  } catch (error) {
    // extractContent aborts the sink on its own failures; this one comes before it, and must not leave staging.
    await sink.abort(error);
    throw error;
  }
  try {
    return await extractContent(content, pkg.detection.EncryptionInfo, sink, {
      unencryptedContentSize: pkg.detection.UnencryptedContentSize,
      ...(options.limits === undefined ? {} : { limits: options.limits }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      ...(options.concurrentFiles === undefined ? {} : { concurrentFiles: options.concurrentFiles }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  } finally {
    await content.close();
  }
}
