// The folders view: the IME's folders — Content\Incoming (the downloaded .bin), Content\Staging and
// C:\Windows\IMECache (the unzipped content the installer runs from), ime.md §3.5 — as they were after a chosen
// step, with sizes, and the files that step added, grew or removed. Data: the change journal (changes.jsonl).
import type { FolderChange, FolderNode, FoldersView } from "./api-types.ts";
import { escapeHtml } from "./format.ts";
import { stepPickerHtml, wireStepPicker } from "./registry-steps.ts";

/** `1,234 bytes` — exact: the views are checked against the run's byte counts. */
export function formatBytes(bytes: number): string {
  return `${bytes.toLocaleString("en-US")} byte${bytes === 1 ? "" : "s"}`;
}

const fold = (text: string) => text.toUpperCase();

function treeHtml(nodes: readonly FolderNode[], marks: ReadonlyMap<string, FolderChange["kind"]>): string {
  return nodes
    .map((node) => {
      const mark = marks.get(fold(node.path));
      const markHtml = mark === undefined ? "" : ` <span class="mark">(${mark})</span>`;
      const cls = mark === undefined ? "" : ` class="diff-${mark}"`;
      if (node.kind === "file")
        return `<li class="file" data-path="${escapeHtml(node.path)}"><span${cls}>${escapeHtml(node.name)}${markHtml}</span> <span class="size">${formatBytes(node.size)}</span></li>`;
      return `<li class="folder"><details open data-path="${escapeHtml(node.path)}"><summary${cls}>${escapeHtml(node.name)}\\${markHtml} <span class="size">${formatBytes(node.size)}</span></summary>${node.children.length === 0 ? '<p class="empty">(empty)</p>' : `<ul>${treeHtml(node.children, marks)}</ul>`}</details></li>`;
    })
    .join("");
}

function changesHtml(changes: readonly FolderChange[]): string {
  if (changes.length === 0) return '<p class="empty-diff">This step changed nothing in these folders.</p>';
  const size = (bytes: number | undefined) => (bytes === undefined ? "" : formatBytes(bytes));
  const rows = changes
    .map(
      (change) =>
        `<tr class="diff-${change.kind}"><td>${change.kind}</td><td>${change.entry === "file" ? "file" : "folder"}</td><td class="key">${escapeHtml(change.path)}</td><td>${size(change.sizeBefore)}</td><td>${size(change.sizeAfter)}</td></tr>`,
    )
    .join("");
  return `<table class="diff"><caption>${changes.length} change${changes.length === 1 ? "" : "s"}</caption><thead><tr><th scope="col">Change</th><th scope="col">Entry</th><th scope="col">Path</th><th scope="col">Size before</th><th scope="col">Size after</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** Renders the folders view into `root`. */
export function renderFolders(root: HTMLElement, view: FoldersView, startMs: number): void {
  const marks = new Map(view.changes.map((change) => [fold(change.path), change.kind] as const));
  root.innerHTML = `
    <section class="folders" aria-labelledby="folders-title">
      <h2 id="folders-title">IME folders after event ${view.seq}</h2>
      ${stepPickerHtml({ deviceId: view.deviceId, seq: view.seq, steps: view.steps, startMs, view: "folders" })}
      <section aria-labelledby="folder-changes-title">
        <h3 id="folder-changes-title">What event ${view.seq} changed</h3>
        ${changesHtml(view.changes)}
      </section>
      <section aria-labelledby="folder-tree-title">
        <h3 id="folder-tree-title">Content\\Incoming, Content\\Staging and IMECache</h3>
        ${view.tree.length === 0 ? "<p>None of these folders exists yet.</p>" : `<ul class="folder-tree" aria-label="Folders">${treeHtml(view.tree, marks)}</ul>`}
      </section>
    </section>`;
  wireStepPicker(root, { deviceId: view.deviceId, view: "folders" });
}
