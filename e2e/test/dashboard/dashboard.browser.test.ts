// The dashboard in Debian's chromium: a real scenario run's saved outputs (imesim ui) and the same scenario
// live (imesim run --ui), checked against the run's own events; click timeline → log lines; axe; screenshots.
import { join } from "node:path";
import type { ImeEvent } from "@imesim/agent/events";
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

if (SKIP_REASON !== undefined) console.warn(SKIP_REASON);

describe.skipIf(SKIP_REASON !== undefined)("dashboard in chromium", { timeout: 120_000 }, () => {
  let saved: Awaited<ReturnType<typeof startSavedRun>>;
  let server: DashboardServer;
  let events: ImeEvent[];
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    saved = await startSavedRun(scenarioPath);
    ({ server, events } = saved);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await saved?.close();
  });

  it("shows every install attempt's exit code and mapping on the timeline, as the run's events have them", async () => {
    const page = await browser.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}#/timeline`);
    await page.waitForSelector('body[data-ready="timeline"]');
    const finished = events.filter((event) => event.phase === "install.finished");
    expect(finished.length).toBeGreaterThan(1);
    // Every attempt's marker names its exit code and mapping (drawn where there is room, always in its label).
    const labels = await page.$$eval('.marker[data-phase="install.finished"]', (nodes) =>
      nodes.map((node) => node.getAttribute("aria-label")),
    );
    expect(labels).toEqual(
      finished.map((event) =>
        expect.stringContaining(
          event.phase === "install.finished"
            ? `exit ${event.details.exitCode} → ${event.details.mapping}`
            : "",
        ),
      ),
    );
    // The labels drawn on a lane never run into each other.
    const drawn = await page.$$eval(".lane", (lanes) =>
      lanes.map((lane) =>
        [...lane.querySelectorAll(".marker .label")].map((label) => {
          const box = label.getBoundingClientRect();
          return [box.left, box.right];
        }),
      ),
    );
    expect(drawn.flat().length).toBeGreaterThan(0);
    for (const boxes of drawn)
      for (let i = 1; i < boxes.length; i++) expect(boxes[i]![0]).toBeGreaterThanOrEqual(boxes[i - 1]![1]!);
    expect(await page.locator(".lane-label", { hasText: "Busy Installer" }).count()).toBe(1);
    // The last state step: its EnforcementStateMessage write is listed beside the explain note.
    const state = events.filter((event) => event.phase === "state.enforcement").at(-1);
    await page.focus(`.marker[data-seq="${state?.seq}"]`);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.textContent(".details .writes")).toContain('"EnforcementState":1000');
    await page.screenshot({ path: join(SCREENSHOTS, "dashboard-timeline.png") });
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it("jumps from a timeline event to the log lines it wrote, and back", async () => {
    const page = await browser.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}#/timeline`);
    await page.waitForSelector('body[data-ready="timeline"]');
    const retry = events.find(
      (event) => event.phase === "install.finished" && event.details.mapping === "Retry",
    );
    expect(retry).toBeDefined();
    // Keyboard: focus the marker and press Enter, as a keyboard user would.
    await page.focus(`.marker[data-seq="${retry?.seq}"]`);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.textContent(".details h3")).toContain("Busy Installer");
    await page.click(".details .show-lines");
    await page.waitForSelector('body[data-ready="logs"] tr.hit');
    const hits = await page.$$eval("tr.hit td.msg", (cells) => cells.map((cell) => cell.textContent));
    expect(hits.some((text) => text?.includes("lpExitCode is defined as Retry"))).toBe(true);
    // The focused hit is the event's first line; errors and warnings keep CMTrace's colours.
    expect(await page.evaluate(() => document.activeElement?.classList.contains("hit"))).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, "dashboard-logs.png") });
    expect(await axeViolations(page)).toEqual([]);
    await page.fill(".logs .filter", "lpExitCode");
    const shown = await page.$$eval("tbody tr:not([hidden]) td.msg", (cells) =>
      cells.map((c) => c.textContent),
    );
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((text) => text?.includes("lpExitCode"))).toBe(true);
    await page.click(".logs .back");
    await page.waitForSelector(`body[data-ready="timeline"] .marker.selected[data-seq="${retry?.seq}"]`);
    await page.close();
  });

  it("shows the portal's status, EnforcementState name and error meaning the device reported", async () => {
    const page = await browser.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}#/portal`);
    await page.waitForSelector('body[data-ready="portal"]');
    const last = events.filter((event) => event.phase === "state.enforcement").at(-1);
    expect(last?.phase === "state.enforcement" && last.details.enforcementState).toBe(1000);
    // The device grid's first drawn row (the virtual table's spacer rows aside).
    expect(await page.textContent(".devices tbody tr:not(.spacer) td")).toContain("Installed");
    expect(await page.textContent(".devices tbody tr:not(.spacer) td .state")).toBe("Success (1000)");
    await page.screenshot({ path: join(SCREENSHOTS, "dashboard-portal.png") });
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it("follows a live run (imesim run --ui): paused at the start, Play runs it to the end", async () => {
    const live = startLiveUi(scenarioPath);
    try {
      const url = await live.url;
      const page = await browser.browser.newPage({ viewport: { width: 1400, height: 900 } });
      await openLiveAndStep(page, url);
      await page.click("#clock .pause");
      await page.waitForSelector('body[data-clock="finished"]', { timeout: 180_000 });
      await expect
        .poll(() => page.locator('.marker[data-phase="install.finished"]').count(), { timeout: 10_000 })
        .toBe(events.filter((event) => event.phase === "install.finished").length);
      await page.screenshot({ path: join(SCREENSHOTS, "dashboard-live.png") });
      expect(await axeViolations(page)).toEqual([]);
      await page.close();
    } finally {
      live.stop();
    }
  }, 300_000);
});
