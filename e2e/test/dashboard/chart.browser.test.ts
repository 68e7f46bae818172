// The statechart view and the log viewer's step panel in Debian's chromium, on a real retry-grs run: the chart's
// states against its machine, the current and visited states against the run's events, a replay step by step
// (buttons and keys), a click on a log line back to its timeline event, the live run's current state, axe, and
// screenshots in .ci/out/screenshots/.
import { join } from "node:path";
import type { ImeEvent } from "@imesim/agent/events";
import { renderEvent } from "@imesim/agent/log";
import { chartMachines, chartStructure } from "@imesim/agent/machines";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DashboardServer } from "../../src/dashboard/server.ts";
import {
  axeViolations,
  launchChromium,
  openLiveAndStep,
  SCREENSHOTS,
  SKIP_REASON,
  startLiveUi,
  startSavedRun,
} from "./browser.ts";

const root = join(import.meta.dirname, "../../..");
const scenarioPath = join(root, "e2e/scenarios/retry-grs.yaml");

/** The states the page marks `current` and `visited`. */
const marked = (page: Page, mark: "current" | "visited") =>
  page.$$eval(`svg g.state.${mark}`, (nodes) => nodes.map((n) => (n as SVGGElement).dataset.state));

if (SKIP_REASON !== undefined) console.warn(SKIP_REASON);

describe.skipIf(SKIP_REASON !== undefined)("statechart view in chromium", { timeout: 120_000 }, () => {
  let saved: Awaited<ReturnType<typeof startSavedRun>>;
  let server: DashboardServer;
  let events: ImeEvent[];
  let appId: string;
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    saved = await startSavedRun(scenarioPath);
    ({ server, events } = saved);
    appId = events.find((e) => e.phase === "install.started")?.appId?.toLowerCase() ?? "";
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await saved?.close();
  });

  it("draws the enforcement chart from its machine and replays the app's path against the run's events", async () => {
    const page = await browser.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}#/chart?chart=enforcement&app=${appId}`);
    await page.waitForSelector('body[data-ready="chart"] svg g.state.current');
    // Every state of the machine is drawn, with its name.
    const machine = chartStructure(chartMachines().enforcement);
    const drawn = await page.$$eval("svg g.state:not(.start)", (nodes) =>
      nodes.map((n) => [(n as SVGGElement).dataset.state, n.querySelector(".name")?.textContent]),
    );
    expect(new Map(drawn as [string, string][])).toEqual(new Map(machine.states.map((s) => [s.id, s.key])));
    expect(await page.locator("svg .edge-label", { hasText: "after retryInterval" }).count()).toBe(1);

    // At the end of a finished run the app's last enforcement is done; every state its events show was visited.
    expect(await marked(page, "current")).toEqual(["enforcement.done"]);
    const visited = new Set(await marked(page, "visited"));
    const appEvents = events.filter((e) => e.appId?.toLowerCase() === appId);
    const shown: Record<string, string> = {
      "grs.checked": "enforcement.checkingGrs",
      "applicability.completed": "enforcement.checkingApplicability",
      "content.decrypted": "enforcement.acquiringContent.decrypting",
      "install.launched": "enforcement.installing.running",
      "install.retryScheduled": "enforcement.installing.waitingToRetry",
      "grs.blocked": "enforcement.blockedByGrs",
      "cleanup.completed": "enforcement.cleaningUp",
    };
    for (const [phase, state] of Object.entries(shown))
      expect(visited.has(state), state).toBe(appEvents.some((e) => e.phase === phase));
    expect(visited.has("enforcement.pendingReboot")).toBe(false);

    // Replay from the first state: checkingGrs, shown by the app's first grs.checked event.
    await page.click(".replay .first");
    const firstGrs = appEvents.find((e) => e.phase === "grs.checked");
    expect(await marked(page, "current")).toEqual(["enforcement.checkingGrs"]);
    expect(await marked(page, "visited")).toEqual(["enforcement.checkingGrs"]);
    expect(await page.textContent(".replay .where")).toContain(`event #${firstGrs?.seq}`);
    // Step forward by button, then by the arrow key on the chart: detecting, then checkingApplicability.
    await page.click(".replay .next");
    expect(await marked(page, "current")).toEqual(["enforcement.detecting"]);
    await page.focus(".chart-scroll");
    await page.keyboard.press("ArrowRight");
    expect(await marked(page, "current")).toEqual(["enforcement.checkingApplicability"]);
    expect(await page.getAttribute(".chart-steps button[aria-current=step]", "data-index")).toBe("2");
    // The first install attempt: launching is inside installing, which is marked active around it.
    const firstLaunch = await page.$$eval(".chart-steps button", (buttons) =>
      buttons.findIndex((b) => b.textContent?.includes("installing.launching")),
    );
    await page.click(`.chart-steps button[data-index="${firstLaunch}"]`);
    expect(await marked(page, "current")).toEqual(["enforcement.installing.launching"]);
    expect(
      await page.$$eval("svg g.state.active", (n) => n.map((g) => (g as SVGGElement).dataset.state)),
    ).toEqual(["enforcement.installing"]);
    const started = appEvents.find((e) => e.phase === "install.started");
    expect(await page.textContent(".replay .where")).toContain(`event #${started?.seq}`);
    // Back one step: the state before the install (the second detection pass).
    await page.focus(".chart-scroll");
    await page.keyboard.press("ArrowLeft");
    expect(await marked(page, "current")).toEqual(["enforcement.detectingAfterDownload"]);
    // The replay position is in the address: reopening it shows the same step.
    await page.reload();
    await page.waitForSelector('body[data-ready="chart"] svg g.state.current');
    expect(await marked(page, "current")).toEqual(["enforcement.detectingAfterDownload"]);
    // The step's link opens its event on the timeline.
    await page.click(".replay .where a");
    await page.waitForSelector('body[data-ready="timeline"] .marker.selected');
    await page.goto(`${server.url}#/chart?chart=enforcement&app=${appId}&step=${firstLaunch + 2}`);
    await page.waitForSelector('body[data-ready="chart"] svg g.state.current');
    expect(await marked(page, "current")).toEqual(["enforcement.installing.running"]);
    await page.screenshot({ path: join(SCREENSHOTS, "dashboard-chart.png") });
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it("draws the check-in and service charts with the device's last states", async () => {
    const page = await browser.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}#/chart?chart=checkin`);
    await page.waitForSelector('body[data-ready="chart"] svg g.state.current');
    const checkin = chartStructure(chartMachines().checkin);
    expect(await page.$$eval("svg g.state:not(.start)", (n) => n.length)).toBe(checkin.states.length);
    // The run ends between check-ins: the last check-in is done, the service waits for the next.
    expect(await marked(page, "current")).toEqual(["checkin.done"]);
    await page.selectOption(".chart-pick", "service");
    await page.waitForSelector('svg g.state[data-state="imeService.running"]');
    await page.waitForSelector("svg g.state.current");
    const last = events
      .filter((e) => e.phase === "checkin.scheduled" || e.phase === "checkin.started")
      .at(-1);
    expect(await marked(page, "current")).toEqual([
      last?.phase === "checkin.scheduled" ? "imeService.running.waiting" : "imeService.running.checkingIn",
    ]);
    expect(
      await page.$$eval("svg g.state.active", (n) => n.map((g) => (g as SVGGElement).dataset.state)),
    ).toEqual(["imeService.running"]);
    await page.screenshot({ path: join(SCREENSHOTS, "dashboard-chart-service.png") });
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it("shows the explain note and reference beside a clicked log line, and links the line to its event", async () => {
    const page = await browser.browser.newPage({ viewport: { width: 1400, height: 900 } });
    const retry = events.find((e) => e.phase === "install.finished" && e.details.mapping === "Retry");
    // Opened for an event (from the timeline): its note is beside its lines, its line keeps the focus.
    await page.goto(`${server.url}#/logs?seq=${retry?.seq}`);
    await page.waitForSelector('body[data-ready="logs"] .log-explain[data-seq]');
    expect(await page.getAttribute(".log-explain", "data-seq")).toBe(String(retry?.seq));
    expect(await page.textContent(".log-explain h3")).toBe("Installer finished");
    expect(await page.textContent(".log-explain .ref")).toMatch(/Reference: ime\.md §/);
    expect(await page.evaluate(() => document.activeElement?.classList.contains("hit"))).toBe(true);
    // A click on another line: the retry-scheduled line after it belongs to install.retryScheduled.
    const scheduled = events.find((e) => e.phase === "install.retryScheduled" && e.seq > (retry?.seq ?? 0));
    const row = page.locator("tbody tr", { hasText: "Retry code returned, retry 1 will start" });
    await row.click();
    await expect.poll(() => page.getAttribute(".log-explain", "data-seq")).toBe(String(scheduled?.seq));
    expect(await page.textContent(".log-explain .meta")).toContain("install.retryScheduled");
    await page.screenshot({ path: join(SCREENSHOTS, "dashboard-logs-explain.png") });
    expect(await axeViolations(page)).toEqual([]);
    // Arrow keys move the selection; Enter opens the selected line's event on the timeline.
    await page.keyboard.press("ArrowUp");
    const above = await page.getAttribute(".log-explain", "data-seq");
    expect(Number(above)).toBeLessThanOrEqual(scheduled?.seq ?? 0);
    await page.keyboard.press("ArrowDown");
    expect(await page.getAttribute(".log-explain", "data-seq")).toBe(String(scheduled?.seq));
    await page.keyboard.press("Enter");
    await page.waitForSelector(`body[data-ready="timeline"] .marker.selected[data-seq="${scheduled?.seq}"]`);
    // And by mouse: the panel's link. The log viewer draws only the rows near its viewport, so open the log at
    // the event (its lines scrolled into view) before clicking one of them.
    await page.goto(`${server.url}#/logs?seq=${retry?.seq}`);
    await page.waitForSelector('body[data-ready="logs"] .log-explain');
    await page.locator("tbody tr", { hasText: "lpExitCode is defined as Retry" }).first().click();
    // Every line that event wrote is selected with it, and only those.
    const written = renderEvent(retry!).filter((line) => line.file === "AppWorkload");
    expect(written.length).toBeGreaterThan(1);
    expect(await page.$$eval("tbody tr.selected td.msg", (cells) => cells.map((c) => c.textContent))).toEqual(
      written.map((line) => line.message),
    );
    await page.click(".log-explain .to-event");
    await page.waitForSelector(`body[data-ready="timeline"] .marker.selected[data-seq="${retry?.seq}"]`);
    await page.close();
  });

  it("highlights the current state live during imesim run --ui", async () => {
    const live = startLiveUi(scenarioPath);
    try {
      const url = await live.url;
      const page = await browser.browser.newPage({ viewport: { width: 1400, height: 900 } });
      // One step (the start-up delay's timer): the service chart's current state is the last its events show.
      await openLiveAndStep(page, url);
      await page.goto(`${url}#/chart?chart=service`);
      await page.waitForSelector('body[data-ready="chart"] svg g.state.current');
      const early = await page.$$eval("svg g.state.current", (n) =>
        n.map((g) => (g as SVGGElement).dataset.state),
      );
      expect(early).toHaveLength(1);
      expect(await page.textContent(".replay .where")).toMatch(/^Step (\d+) of \1:/);
      // Run to the end: the highlight follows to the state the run ends in.
      await page.click("#clock .pause");
      await page.waitForSelector('body[data-clock="finished"]', { timeout: 180_000 });
      const last = events
        .filter((e) => e.phase === "checkin.scheduled" || e.phase === "checkin.started")
        .at(-1);
      const end =
        last?.phase === "checkin.scheduled" ? "imeService.running.waiting" : "imeService.running.checkingIn";
      await page.waitForSelector(`svg g.state.current[data-state="${end}"]`, { timeout: 10_000 });
      const steps = await page.$$eval(".chart-steps button", (b) => b.length);
      expect(steps).toBeGreaterThan(2);
      await page.close();
    } finally {
      live.stop();
    }
  }, 300_000);
});
