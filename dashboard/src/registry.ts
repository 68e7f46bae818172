// The registry view: the IME's registry (and every key the run wrote) as an expandable tree as it was after a
// chosen step, and what that step changed: keys and values added, changed or removed, before and after. The data
// is the device's change journal (changes.jsonl), replayed server side (registry-snapshot.ts).
import type { RegistryDiffEntry, RegistryKeyNode, RegistryValueView, RegistryView } from "./api-types.ts";
import { escapeHtml } from "./format.ts";
import { stepPickerHtml, wireStepPicker } from "./registry-steps.ts";

/** A value's data as regedit shows it: DWORDs in hex and decimal, multi-strings one per line. */
export function valueText(value: RegistryValueView | undefined): string {
  if (value === undefined) return "";
  if (value.type === "REG_DWORD" && typeof value.data === "number")
    return `0x${value.data.toString(16).padStart(8, "0")} (${value.data})`;
  if (Array.isArray(value.data)) return value.data.join("\n");
  return String(value.data);
}

const fold = (text: string) => text.toUpperCase();

function valuesTable(node: RegistryKeyNode, marks: ReadonlyMap<string, RegistryDiffEntry["kind"]>): string {
  if (node.values.length === 0) return "";
  const rows = node.values
    .map((entry) => {
      const mark = marks.get(`${fold(node.path)}\u0000${fold(entry.name)}`);
      return `<tr${mark === undefined ? "" : ` class="diff-${mark}"`} data-value="${escapeHtml(entry.name)}"><th scope="row">${escapeHtml(entry.name === "" ? "(Default)" : entry.name)}${mark === undefined ? "" : ` <span class="mark">(${mark})</span>`}</th><td>${entry.value.type}</td><td class="data">${escapeHtml(valueText(entry.value))}</td></tr>`;
    })
    .join("");
  return `<table class="values" aria-label="Values of ${escapeHtml(node.name)}"><thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Data</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function treeHtml(
  nodes: readonly RegistryKeyNode[],
  open: ReadonlySet<string>,
  marks: ReadonlyMap<string, RegistryDiffEntry["kind"]>,
  depth: number,
): string {
  return nodes
    .map((node) => {
      const folded = fold(node.path);
      const keyMark = marks.get(folded);
      const isOpen = depth < 4 || open.has(folded);
      return `<li><details data-key="${escapeHtml(node.path)}"${isOpen ? " open" : ""}><summary${keyMark === undefined ? "" : ` class="diff-${keyMark}"`}>${escapeHtml(node.name)}${keyMark === undefined ? "" : ` <span class="mark">(${keyMark})</span>`}</summary>${valuesTable(node, marks)}${node.children.length === 0 ? "" : `<ul>${treeHtml(node.children, open, marks, depth + 1)}</ul>`}</details></li>`;
    })
    .join("");
}

function diffHtml(diff: readonly RegistryDiffEntry[]): string {
  if (diff.length === 0) return '<p class="empty-diff">This step changed nothing in the registry.</p>';
  const rows = diff
    .map(
      (entry) =>
        `<tr class="diff-${entry.kind}"><td>${entry.kind}</td><td class="key">${escapeHtml(entry.key)}</td><td>${entry.name === undefined ? "<em>(the key)</em>" : escapeHtml(entry.name === "" ? "(Default)" : entry.name)}</td><td class="data">${escapeHtml(valueText(entry.before))}</td><td class="data">${escapeHtml(valueText(entry.after))}</td></tr>`,
    )
    .join("");
  return `<table class="diff"><caption>${diff.length} difference${diff.length === 1 ? "" : "s"}</caption><thead><tr><th scope="col">Change</th><th scope="col">Key</th><th scope="col">Value</th><th scope="col">Before</th><th scope="col">After</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** Renders the registry view into `root`. */
export function renderRegistry(root: HTMLElement, view: RegistryView, startMs: number): void {
  const marks = new Map<string, RegistryDiffEntry["kind"]>();
  const open = new Set<string>();
  for (const entry of view.diff) {
    marks.set(
      entry.name === undefined ? fold(entry.key) : `${fold(entry.key)}\u0000${fold(entry.name)}`,
      entry.kind,
    );
    // Every key on the way to a change is opened, so the change is in view.
    const names = entry.key.split("\\");
    for (let depth = 1; depth <= names.length; depth += 1) open.add(fold(names.slice(0, depth).join("\\")));
  }
  root.innerHTML = `
    <section class="registry" aria-labelledby="registry-title">
      <h2 id="registry-title">Registry after event ${view.seq}</h2>
      ${stepPickerHtml({ deviceId: view.deviceId, seq: view.seq, steps: view.steps, startMs, view: "registry" })}
      <section class="registry-diff" aria-labelledby="diff-title">
        <h3 id="diff-title">What event ${view.seq} changed</h3>
        ${diffHtml(view.diff)}
      </section>
      <section aria-labelledby="tree-title">
        <h3 id="tree-title">Keys the run wrote (the IME's key as recording started, and every key written since)</h3>
        <ul class="reg-tree" aria-label="Registry keys">${treeHtml(view.tree, open, marks, 0)}</ul>
      </section>
    </section>`;
  wireStepPicker(root, { deviceId: view.deviceId, view: "registry" });
}
