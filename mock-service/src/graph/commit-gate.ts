import { type ContentFileRecord, UploadState } from "../store/records.ts";

/**
 * Serialises commits per content file (issue 19, "Commit races"): while a commit runs, a second one is
 * refused, and the file's blob is frozen, so the bytes the commit verifies are the bytes devices get.
 */
export class CommitGate {
  readonly #running = new Set<string>();

  /** Starts a commit of `fileId`; false when one is already running. */
  begin(fileId: string): boolean {
    if (this.#running.has(fileId)) return false;
    this.#running.add(fileId);
    return true;
  }

  /** Ends the commit `begin` started. */
  end(fileId: string): void {
    this.#running.delete(fileId);
  }

  /** True while a commit of the file runs, is pending (graph-win32.md §2.3) or has succeeded: no write may land. */
  frozen(file: ContentFileRecord): boolean {
    return (
      this.#running.has(file.id) || file.isCommitted || file.uploadState === UploadState.commitFilePending
    );
  }
}
