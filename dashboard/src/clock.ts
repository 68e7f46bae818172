// A live run's speed control: pause / resume, step to the next event, 1× / 60× / max, and where simulated time is.
import { api } from "./api.ts";
import type { ClockState } from "./api-types.ts";
import { formatOffset } from "./format.ts";

/** Renders the controls into `root`; returns the function the live stream calls with each new clock state. */
export function renderClock(
  root: HTMLElement,
  initial: ClockState,
  startMs: number,
): (clock: ClockState) => void {
  root.innerHTML = `
    <legend class="sr-only">Run speed</legend>
    <button type="button" class="pause"></button>
    <button type="button" class="step">Step</button>
    <span role="radiogroup" aria-label="Speed">
      ${(["1", "60", "max"] as const).map((speed) => `<label><input type="radio" name="speed" value="${speed}"> ${speed === "max" ? "max" : `${speed}×`}</label>`).join("")}
    </span>
    <span class="now" aria-live="off"></span>`;
  const pause = root.querySelector<HTMLButtonElement>(".pause")!;
  const step = root.querySelector<HTMLButtonElement>(".step")!;
  const now = root.querySelector<HTMLElement>(".now")!;
  let state = initial;
  const update = (clock: ClockState) => {
    // A finished run whose late "running" reply lands after the stream said finished would otherwise look stuck.
    if (clock.revision < state.revision) return;
    state = clock;
    pause.textContent = clock.paused ? "Play" : "Pause";
    pause.disabled = step.disabled = clock.finished;
    now.textContent = `${clock.finished ? "finished at" : "sim time"} ${formatOffset(clock.now - startMs)}`;
    for (const radio of root.querySelectorAll<HTMLInputElement>("input[name=speed]"))
      radio.checked = radio.value === String(clock.speed);
    document.body.dataset.clock = clock.finished ? "finished" : clock.paused ? "paused" : "running";
  };
  // Actions go to the server one at a time, in the order they were clicked: sent at once, a Play could overtake the
  // Step before it and the Step would then pause the run again. Play/Pause is decided when it is sent, on the state
  // the earlier actions left.
  let queue = Promise.resolve();
  const act = (action: () => [string, ClockState["speed"]?]) => {
    queue = queue
      .then(() => api.clock(...action()))
      .then(update)
      .catch((error: Error) => {
        now.textContent = error.message;
      });
  };
  pause.addEventListener("click", () => act(() => [state.paused ? "resume" : "pause"]));
  step.addEventListener("click", () => act(() => ["step"]));
  root.addEventListener("change", (event) => {
    const value = (event.target as HTMLInputElement).value;
    act(() => ["speed", value === "max" ? "max" : (Number(value) as 1 | 60)]);
  });
  update(initial);
  return update;
}
