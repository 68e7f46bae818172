// The step picker the registry and folder views share: the steps that changed something (from the change
// journal), previous / next, and links back to the event in the timeline and across to the other view.
import type { ChangeStep } from "./api-types.ts";
import { escapeHtml, formatOffset } from "./format.ts";

export interface StepPickerOptions {
  readonly deviceId: string;
  /** The step shown: any event's seq (one that changed nothing is listed too). */
  readonly seq: number;
  readonly steps: readonly ChangeStep[];
  readonly startMs: number;
  /** `registry` or `folders`: the view the picker navigates in. */
  readonly view: "registry" | "folders";
}

const label = (step: ChangeStep, startMs: number) =>
  `event ${step.seq} · ${step.seq === 0 ? "start" : formatOffset(step.simTime - startMs)} · ${step.phase} · ${step.changes} change${step.changes === 1 ? "" : "s"}`;

export const hrefOf = (view: string, deviceId: string, seq: number) =>
  `#/${view}?device=${encodeURIComponent(deviceId)}&seq=${seq}`;

/** The picker's HTML: a labelled select, previous / next, and the cross links. */
export function stepPickerHtml(options: StepPickerOptions): string {
  const { deviceId, seq, steps, view } = options;
  const listed = steps.some((step) => step.seq === seq);
  const optionsHtml = [
    ...(listed ? [] : [`<option value="${seq}" selected>event ${seq} · changed nothing here</option>`]),
    ...steps.map(
      (step) =>
        `<option value="${step.seq}"${step.seq === seq ? " selected" : ""}>${escapeHtml(label(step, options.startMs))}</option>`,
    ),
  ].join("");
  const before = steps.filter((step) => step.seq < seq).at(-1);
  const after = steps.find((step) => step.seq > seq);
  const other = view === "registry" ? "folders" : "registry";
  const link = (target: ChangeStep | undefined, text: string, rel: string) =>
    target === undefined
      ? `<span class="step-link disabled-link" aria-disabled="true">${text}</span>`
      : `<a class="step-link step-${rel}" href="${hrefOf(view, deviceId, target.seq)}">${text}</a>`;
  return `<div class="toolbar step-picker">
      <label>Step <select class="step-select">${optionsHtml}</select></label>
      ${link(before, "◀ Previous change", "previous")}
      ${link(after, "Next change ▶", "next")}
      ${seq === 0 ? "" : `<a class="step-link to-timeline" href="#/timeline?device=${encodeURIComponent(deviceId)}&seq=${seq}">Back to event ${seq} in the timeline</a>`}
      <a class="step-link to-${other}" href="${hrefOf(other, deviceId, seq)}">${other === "folders" ? "Folders" : "Registry"} at this step</a>
    </div>`;
}

/** Makes the picker's select navigate. */
export function wireStepPicker(
  root: HTMLElement,
  options: Pick<StepPickerOptions, "deviceId" | "view">,
): void {
  const select = root.querySelector<HTMLSelectElement>(".step-select");
  select?.addEventListener("change", () => {
    location.hash = hrefOf(options.view, options.deviceId, Number(select.value));
  });
}
