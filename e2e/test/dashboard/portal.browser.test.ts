// The portal at fleet size, the 10,000-line log and device operations in Debian's chromium: per-app counts of a
// real 3-device run against what the devices reported to the run's service, drill app → devices → apps, a
// 1,000-device portal and a 10,000-line log drawing only a window of rows (scrolled to the end, filtered, an
// event's line deep in the log jumped to), and syncapp clicked in a live run reaching the agent (an OnDemand
// check-in in its events). IMESIM_README_SCREENSHOT=1 also writes the README's picture, docs/dashboard-portal.png.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ImeEvent } from "@imesim/agent/events";
import { renderEvent } from "@imesim/agent/log";
import { buildServer } from "@imesim/mock-service";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSavedRun } from "../../src/dashboard/saved-run.ts";
import { type DashboardServer, startDashboardServer } from "../../src/dashboard/server.ts";
import { servicePortalOf } from "../../src/dashboard/service-source.ts";
import type { DashboardSource } from "../../src/dashboard/source.ts";
import { runScenario } from "../../src/run/run-scenario.ts";
import { loadScenarioFile } from "../../src/scenario/index.ts";
import { axeViolations, launchChromium, SCREENSHOTS, SKIP_REASON, startInProcessLive } from "./browser.ts";
import { syntheticLogRecords, syntheticPortal } from "./synthetic-fleet.ts";

const root = join(import.meta.dirname, "../../..");
const README_PICTURE = join(root, "docs/dashboard-portal.png");

if (SKIP_REASON !== undefined) console.warn(SKIP_REASON);

/** Rows the page has drawn in a virtual table (spacers aside). */
const drawnRows = (page: Page, table: string) => page.locator(`${table} tbody tr:not(.spacer)`).count();

/** Scrolls a virtual table's container to its end and waits for the row at `rowIndex` (aria-rowindex). */
async function scrollToEnd(page: Page, scroller: string, rowIndex: number): Promise<void> {
  await expect
    .poll(
      async () => {
        await page.$eval(scroller, (el) => el.scrollTo(0, el.scrollHeight));
        return page.locator(`${scroller} tr[aria-rowindex="${rowIndex}"]`).count();
      },
      { timeout: 15_000 },
    )
    .toBe(1);
}

describe.skipIf(SKIP_REASON !== undefined)(
  "portal, logs and operations in chromium",
  { timeout: 180_000 },
  () => {
    let browser: Awaited<ReturnType<typeof launchChromium>>;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    describe("a real 3-device run", () => {
      let out: string;
      let server: DashboardServer;
      beforeAll(async () => {
        // A stable folder name: it is the page's title, in the README's picture too.
        out = join(mkdtempSync(join(tmpdir(), "imesim-portal-ui-")), "demo-3-devices");
        const scenario = await loadScenarioFile(join(root, "e2e/scenarios/demo.yaml"));
        expect((await runScenario(scenario, { outDir: out, devices: 3 })).passed).toBe(true);
        server = await startDashboardServer(loadSavedRun(out));
      });
      afterAll(async () => {
        await server?.close();
        rmSync(dirname(out), { recursive: true, force: true });
      });

      it("shows each app's counts as the devices reported them, and drills app → devices → apps", async () => {
        // What the devices reported to the run's service (Graph deviceStatuses), bucketed per app.
        const service = await buildServer({ dataDir: join(out, "service") });
        const reported = servicePortalOf(service);
        await service.close();
        const expected = new Map<string, Record<string, number>>();
        for (const app of reported.apps) expected.set(app.name, {});
        for (const row of reported.rows)
          for (const app of reported.apps) {
            const cell = row.cells[app.id];
            if (cell === undefined) continue;
            const counts = expected.get(app.name)!;
            counts[cell.status] = (counts[cell.status] ?? 0) + 1;
          }

        const page = await browser.browser.newPage({ viewport: { width: 1200, height: 760 } });
        await page.goto(`${server.url}#/portal`);
        await page.waitForSelector('body[data-ready="portal"] .app-summary');
        const statuses = ["installed", "failed", "pending", "notInstalled", "notApplicable"];
        const shown = await page.$$eval(".app-summary tbody tr", (rows) =>
          rows.map((row) => [
            row.querySelector("th")?.textContent ?? "",
            [...row.querySelectorAll("td.num")].map((cell) => Number(cell.textContent)),
          ]),
        );
        expect(shown).toHaveLength(expected.size);
        for (const [name, counts] of shown as [string, number[]][]) {
          const want = expected.get(name);
          expect(want, name).toBeDefined();
          expect(counts, name).toEqual(statuses.map((status) => want?.[status] ?? 0));
        }
        expect(await page.textContent(".app-summary")).toContain("required");
        // The README's picture: the summary and the device grid, without the empty page below.
        if (process.env.IMESIM_README_SCREENSHOT === "1")
          await page.screenshot({ path: README_PICTURE, clip: { x: 0, y: 0, width: 1200, height: 470 } });
        await page.screenshot({ path: join(SCREENSHOTS, "portal-summary.png") });
        expect(await axeViolations(page)).toEqual([]);

        // App → its devices: CAD Suite needs 32 GB, so every device is "Not applicable".
        await page.click('.app-summary a:text-is("CAD Suite")');
        await page.waitForSelector('h2:has-text("CAD Suite")');
        await expect.poll(() => drawnRows(page, ".app-devices")).toBe(3);
        const cells = await page.$$eval(".app-devices tbody td .status", (nodes) =>
          nodes.map((n) => n.textContent),
        );
        expect(cells).toEqual(["Not applicable", "Not applicable", "Not applicable"]);
        expect(await axeViolations(page)).toEqual([]);

        // Device → its apps, with the IME's state names; a finished run offers no operations.
        await page.click(".app-devices tbody th a >> nth=0");
        await page.waitForSelector(".device-apps");
        expect(await page.textContent(".device-apps")).toContain("Success (1000)");
        expect(await page.textContent(".operations")).toContain("finished run");
        await page.screenshot({ path: join(SCREENSHOTS, "portal-device.png") });
        expect(await axeViolations(page)).toEqual([]);
        await page.close();
      });
    });

    describe("a 1,000-device fleet and a 10,000-line log", () => {
      let server: DashboardServer;
      const deepEvent = {
        seq: 1,
        phase: "checkin.started",
        simTime: 0,
        wallTime: 0,
        deviceId: "device-0",
        thread: 1,
        details: { reason: "OnDemand" },
      } as unknown as ImeEvent;
      /** The line the event writes, placed at record 9,000 of 10,000 (the jump must reach it). */
      const DEEP = 9_000;
      beforeAll(async () => {
        server = await startDashboardServer(syntheticSource(deepEvent, DEEP));
      });
      afterAll(async () => {
        await server?.close();
      });

      it("draws a window of the 1,000 device rows, scrolls to the last device and filters", async () => {
        const page = await browser.browser.newPage({ viewport: { width: 1200, height: 800 } });
        await page.goto(`${server.url}#/portal`);
        await page.waitForSelector('body[data-ready="portal"] .devices tbody tr[aria-rowindex]');
        expect(await page.textContent(".portal .count")).toBe("1000 of 1000 devices");
        const drawn = await drawnRows(page, ".devices");
        expect(drawn).toBeGreaterThan(5);
        expect(drawn).toBeLessThan(100);
        expect(await page.getAttribute(".devices", "aria-rowcount")).toBe("1001");
        await scrollToEnd(page, ".portal-scroll", 1001);
        expect(await page.textContent('.devices tr[aria-rowindex="1001"] th')).toContain("DESKTOP-00999");
        expect(await drawnRows(page, ".devices")).toBeLessThan(100);
        await page.fill(".portal .filter", "DESKTOP-0099");
        expect(await page.textContent(".portal .count")).toBe("10 of 1000 devices");
        await page.selectOption(".portal .status-filter", "failed");
        const failed = await page.$$eval(".devices tbody tr:not(.spacer)", (rows) => rows.length);
        expect(failed).toBeGreaterThan(0);
        expect(await page.textContent(".devices tbody")).toContain("0x87D1041C");
        expect(await axeViolations(page)).toEqual([]);
        await page.close();
      });

      it("scrolls the 10,000-line log to its end, filters and highlights, and jumps to an event's line deep in it", async () => {
        const page = await browser.browser.newPage({ viewport: { width: 1200, height: 800 } });
        await page.goto(`${server.url}#/logs?device=device-0`);
        await page.waitForSelector('body[data-ready="logs"] .cmtrace tbody tr[aria-rowindex]');
        expect(await page.textContent(".logs .count")).toBe("10000 of 10000 lines");
        expect(await drawnRows(page, ".cmtrace")).toBeLessThan(200);
        await scrollToEnd(page, ".log-scroll", 10_001);
        expect(await page.textContent('.cmtrace tr[aria-rowindex="10001"] td.msg')).toContain("step 9999");
        expect(await drawnRows(page, ".cmtrace")).toBeLessThan(200);
        await page.screenshot({ path: join(SCREENSHOTS, "logs-10000-end.png") });
        // Filter: only matching rows; highlight: every row, the matches marked.
        await page.fill(".logs .filter", "lpExitCode 3");
        const matches = Array.from({ length: 10_000 }, (_, i) => i).filter(
          (i) => i % 50 !== 0 && i !== DEEP && i % 7 === 3,
        ).length;
        expect(await page.textContent(".logs .count")).toBe(`${matches} of 10000 lines`);
        const texts = await page.$$eval(".cmtrace tbody td.msg", (cells) => cells.map((c) => c.textContent));
        expect(texts.length).toBeGreaterThan(0);
        expect(texts.every((text) => text?.includes("lpExitCode 3"))).toBe(true);
        await page.check(".logs .highlight");
        expect(await page.textContent(".logs .count")).toBe(`${matches} of 10000 lines match`);
        expect(await page.locator(".cmtrace mark").first().textContent()).toBe("lpExitCode 3");
        expect(await axeViolations(page)).toEqual([]);
        await page.close();

        // The event's line is record 9,000: the viewer draws it and focuses it.
        const jump = await browser.browser.newPage({ viewport: { width: 1200, height: 800 } });
        await jump.goto(`${server.url}#/logs?device=device-0&seq=1`);
        await jump.waitForSelector('body[data-ready="logs"] tr.hit');
        const focused = await jump.evaluate(() => document.activeElement?.getAttribute("data-index"));
        expect(focused).toBe(String(DEEP));
        const inView = await jump.$eval("tr.hit", (row) => {
          const box = row.getBoundingClientRect();
          const scroller = row.closest(".log-scroll")!.getBoundingClientRect();
          return box.top >= scroller.top && box.bottom <= scroller.bottom;
        });
        expect(inView).toBe(true);
        await jump.screenshot({ path: join(SCREENSHOTS, "logs-10000-jump.png") });
        await jump.close();
      });
    });

    it("runs syncapp from a live run's device page: the agent's next check-in is OnDemand", async () => {
      const live = await startInProcessLive(join(root, "e2e/scenarios/retry-grs.yaml"));
      const { source } = live;
      const page = await browser.browser.newPage({ viewport: { width: 1200, height: 800 } });
      try {
        await page.goto(`${live.url}#/portal`);
        await page.waitForSelector('body[data-clock="paused"]');
        // One step starts the device; its page then offers the control surface's verbs.
        await page.click("#clock .step");
        await expect.poll(() => source.devices().length, { timeout: 60_000 }).toBe(1);
        const deviceId = source.devices()[0]!.deviceId;
        await page.goto(`${live.url}#/portal?device=${deviceId}`);
        await page.waitForSelector('.operations button[data-verb="syncapp"]', { timeout: 20_000 });
        expect(await page.textContent(".operations .via")).toContain("imesim run --ui");
        await page.screenshot({ path: join(SCREENSHOTS, "portal-operations.png") });
        expect(await axeViolations(page)).toEqual([]);
        await page.focus('.operations button[data-verb="syncapp"]');
        await page.keyboard.press("Enter");
        await page.waitForSelector('.op-result[data-verb="syncapp"]', { timeout: 20_000 });
        const since = JSON.parse((await page.textContent(".op-result"))!.replace(/^syncapp: /, ""))
          .since as number;
        await page.click("#clock .pause");
        await live.untilFinished(page, 120_000);
        const after = (source.events(deviceId) ?? []).filter(
          (e) => e.seq > since && e.phase === "checkin.started",
        );
        expect(after[0]?.phase === "checkin.started" && after[0].details.reason).toBe("OnDemand");
        // Once the run is over its clock no longer runs: the page says so instead of offering buttons.
        await page.reload();
        await page.waitForSelector(".operations");
        expect(await page.locator(".operations button").count()).toBe(0);
        expect(await page.textContent(".operations")).toContain("run is over");
      } finally {
        await page.close();
        await live.close();
      }
    }, 300_000);
  },
);

/** 1,000 devices × 5 apps and a 10,000-line log whose record `deep` is the line `event` writes. */
function syntheticSource(event: ImeEvent, deep: number): DashboardSource {
  const view = syntheticPortal(1_000, 5);
  const line = renderEvent(event)[0]!;
  const records = syntheticLogRecords(10_000, { index: deep, message: line.message });
  return {
    mode: "saved",
    title: "fleet of 1,000",
    devices: () => [{ deviceId: "device-0", deviceName: "DESKTOP-00000", eventCount: 1 }],
    events: (id) => (id === "device-0" ? [event] : undefined),
    logs: () => [{ name: `${line.file}.log`, records }],
    portal: () => view,
  };
}
