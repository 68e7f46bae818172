// The registry, folders and downloads views in Debian's chromium, on a real retry-grs run: registry values
// (the app's EnforcementStateMessage, its GRS value) and a step's diff against the run's events, timeline →
// registry diff → back to the timeline by keyboard, the folders around the download and the clean-up, the
// download curve's total bytes — saved (imesim ui) and live (run --ui's source, in this process); axe; screenshots.
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ImeEvent } from "@imesim/agent/events";
import { formatImeTimestamp } from "@imesim/agent/ime";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DashboardServer } from "../../src/dashboard/server.ts";
import {
  axeViolations,
  launchChromium,
  SCREENSHOTS,
  SKIP_REASON,
  startInProcessLive,
  startSavedRun,
  waitForView,
} from "./browser.ts";

const scenarioPath = join(import.meta.dirname, "../../scenarios/retry-grs.yaml");

type Of<P extends ImeEvent["phase"]> = Extract<ImeEvent, { phase: P }>;
const ofPhase = <P extends ImeEvent["phase"]>(events: readonly ImeEvent[], phase: P) =>
  events.filter((event): event is Of<P> => event.phase === phase);

if (SKIP_REASON !== undefined) console.warn(SKIP_REASON);

describe.skipIf(SKIP_REASON !== undefined)(
  "registry, folders and downloads in chromium",
  { timeout: 120_000 },
  () => {
    let saved: Awaited<ReturnType<typeof startSavedRun>>;
    let server: DashboardServer;
    let events: ImeEvent[];
    let browser: Awaited<ReturnType<typeof launchChromium>>;
    let page: Page;

    beforeAll(async () => {
      saved = await startSavedRun(scenarioPath);
      ({ server, events } = saved);
      browser = await launchChromium();
      page = await browser.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    });
    afterAll(async () => {
      await browser?.close();
      await saved?.close();
    });

    /** The data cell of value `name` in the key whose path ends with `keyEnd`, in the shown tree. */
    const valueIn = (keyEnd: string, name: string) =>
      page.evaluate(
        ([end, value]) => {
          const key = [...document.querySelectorAll<HTMLElement>(".reg-tree details")].find((node) =>
            node.dataset.key?.toUpperCase().endsWith(end!.toUpperCase()),
          );
          const row = [
            ...(key?.querySelector(":scope > table")?.querySelectorAll("tr[data-value]") ?? []),
          ].find((tr) => (tr as HTMLElement).dataset.value === value);
          return row?.querySelector("td.data")?.textContent ?? undefined;
        },
        [keyEnd, name] as const,
      );

    it("shows the app's final EnforcementStateMessage and its GRS value, as the run's events say", async () => {
      await page.goto(`${server.url}#/registry`);
      await page.waitForSelector('body[data-ready="registry"] .reg-tree');
      const last = ofPhase(events, "state.enforcement").at(-1)!;
      const appKey = last.details.keyPath.slice(last.details.keyPath.indexOf("\\Win32Apps\\"));
      const message = await valueIn(appKey, "EnforcementStateMessage");
      expect(JSON.parse(message ?? "{}")).toMatchObject({ EnforcementState: last.details.enforcementState });
      const recorded = ofPhase(events, "grs.recorded")[0]!;
      const grs = await valueIn(`\\GRS\\${recorded.details.hash}`, recorded.appId!);
      // The GRS value is the time the IME recorded (ime.md §4.4), as grs.recorded's `at` in the IME's format.
      expect(grs).toBe(formatImeTimestamp(recorded.details.at));
      expect(await page.getAttribute(".step-select", "aria-label")).toBeNull();
      expect(await page.locator("label", { hasText: "Step" }).count()).toBeGreaterThan(0);
      await page.screenshot({ path: join(SCREENSHOTS, "dashboard-registry.png"), fullPage: false });
      expect(await axeViolations(page)).toEqual([]);
    });

    it("goes from a timeline event to its registry diff and back, by keyboard", async () => {
      const steps = ofPhase(events, "state.enforcement");
      const last = steps.at(-1)!;
      const previous = steps.at(-2)!;
      await page.goto(`${server.url}#/timeline`);
      await page.waitForSelector('body[data-ready="timeline"]');
      await page.focus(`.marker[data-seq="${last.seq}"]`);
      await page.keyboard.press("Enter");
      await page.focus(".details .show-registry");
      await page.keyboard.press("Enter");
      await page.waitForSelector(`body[data-ready="registry"] h2:has-text("after event ${last.seq}")`);
      const row = page.locator("table.diff tbody tr", { hasText: "EnforcementStateMessage" });
      expect(await row.getAttribute("class")).toBe("diff-changed");
      const [before, after] = await row.locator("td.data").allTextContents();
      expect(JSON.parse(before ?? "{}").EnforcementState).toBe(previous.details.enforcementState);
      expect(JSON.parse(after ?? "{}").EnforcementState).toBe(last.details.enforcementState);
      // The changed value is marked in the tree too, its key opened.
      expect(
        await page.locator(".reg-tree tr.diff-changed", { hasText: "EnforcementStateMessage" }).isVisible(),
      ).toBe(true);
      await page.screenshot({ path: join(SCREENSHOTS, "dashboard-registry-diff.png") });
      expect(await axeViolations(page)).toEqual([]);
      // A GRS step's diff: the app's value added under GRS\<hash>.
      const recorded = ofPhase(events, "grs.recorded")[0]!;
      await page.selectOption(".step-select", String(recorded.seq));
      await page.waitForSelector(`h2:has-text("after event ${recorded.seq}")`);
      const grsRow = page.locator("table.diff tbody tr", { hasText: recorded.appId! });
      expect(await grsRow.first().textContent()).toContain(`GRS\\${recorded.details.hash}`);
      // Back to the timeline, the event selected.
      await page.goto(`${server.url}#/registry?device=${last.deviceId}&seq=${last.seq}`);
      await page.waitForSelector(`h2:has-text("after event ${last.seq}")`);
      await page.focus(".to-timeline");
      await page.keyboard.press("Enter");
      await page.waitForSelector(`body[data-ready="timeline"] .marker.selected[data-seq="${last.seq}"]`);
    });

    it("shows the .bin arriving in Incoming, the content in IMECache, and both removed at clean-up, with sizes", async () => {
      const completed = ofPhase(events, "download.completed")[0]!;
      const unzipped = ofPhase(events, "content.unzipped")[0]!;
      const deviceId = completed.deviceId;
      await page.goto(`${server.url}#/folders?device=${deviceId}&seq=${completed.seq}`);
      await page.waitForSelector('body[data-ready="folders"] .folder-tree');
      const bin = page.locator(".folder-tree li.file", { hasText: ".bin" });
      expect(await bin.getAttribute("data-path")).toContain("\\Content\\Incoming\\");
      expect(await bin.locator(".size").textContent()).toBe(
        `${completed.details.size.toLocaleString("en-US")} bytes`,
      );
      await page.goto(`${server.url}#/folders?device=${deviceId}&seq=${unzipped.seq}`);
      await page.waitForSelector(`h2:has-text("after event ${unzipped.seq}")`);
      expect(
        await page.locator("table.diff tr.diff-added", { hasText: unzipped.details.to }).count(),
      ).toBeGreaterThan(0);
      await page.screenshot({ path: join(SCREENSHOTS, "dashboard-folders.png") });
      expect(await axeViolations(page)).toEqual([]);
      // Next change after the install: the clean-up removes both.
      await page.focus(".step-next");
      await page.keyboard.press("Enter");
      await page.waitForSelector("table.diff tr.diff-removed");
      const removed = await page.locator("table.diff tr.diff-removed td.key").allTextContents();
      expect(removed.some((path) => path.endsWith(".bin"))).toBe(true);
      expect(removed).toContain(unzipped.details.to);
      expect(await page.locator(".folder-tree li.file").count()).toBe(0);
    });

    it("draws each download's bytes up to the size download.completed reports", async () => {
      await page.goto(`${server.url}#/downloads`);
      await page.waitForSelector('body[data-ready="downloads"] .download');
      const totals = await page.$$eval("figure.download", (figures) =>
        figures.map((f) => Number(f.getAttribute("data-total"))),
      );
      expect(totals).toEqual(ofPhase(events, "download.completed").map((event) => event.details.size));
      expect(await page.locator("figure.download svg[role=img] title").first().textContent()).toContain(
        "completed",
      );
      await page.screenshot({ path: join(SCREENSHOTS, "dashboard-downloads.png") });
      expect(await axeViolations(page)).toEqual([]);
    });
  },
);

describe.skipIf(SKIP_REASON !== undefined)(
  "registry and downloads of a live run",
  { timeout: 300_000 },
  () => {
    let browser: Awaited<ReturnType<typeof launchChromium>>;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(() => browser?.close());

    it("fills the downloads as the run plays, and shows the registry the run left", async () => {
      const live = await startInProcessLive(scenarioPath);
      try {
        const page = await browser.browser.newPage({ viewport: { width: 1400, height: 1000 } });
        await page.goto(`${live.url}#/downloads`);
        await page.waitForSelector('body[data-clock="paused"]');
        await page.click("#clock .step");
        await page.check('#clock input[value="max"]');
        await page.click("#clock .pause");
        await live.untilFinished(page, 240_000);
        const sizes = ofPhase(live.seen, "download.completed").map((event) => event.details.size);
        expect(sizes.length).toBeGreaterThan(0);
        await expect
          .poll(
            () =>
              page.$$eval("figure.download", (figures) =>
                figures.map((f) => Number(f.getAttribute("data-total"))),
              ),
            {
              timeout: 10_000,
            },
          )
          .toEqual(sizes);
        await page.screenshot({ path: join(SCREENSHOTS, "dashboard-downloads-live.png") });
        const last = ofPhase(live.seen, "state.enforcement").at(-1)!;
        await page.goto(`${live.url}#/registry?device=${last.deviceId}&seq=${last.seq}`);
        await waitForView(page, `body[data-ready="registry"] h2:has-text("after event ${last.seq}")`);
        const after = await page
          .locator("table.diff tr", { hasText: "EnforcementStateMessage" })
          .locator("td.data")
          .nth(1)
          .textContent();
        expect(JSON.parse(after ?? "{}").EnforcementState).toBe(last.details.enforcementState);
        await page.close();
      } finally {
        await live.close();
      }
    });

    it("stays finished when Play's reply comes back after the stream said the run finished", async () => {
      const live = await startInProcessLive(scenarioPath);
      const page = await browser.browser.newPage({ viewport: { width: 1400, height: 1000 } });
      try {
        // Play's reply (a running clock) is held until the run is over and the stream has told the page so: a
        // page that took the later-arriving reply for the newer news would show a finished run as running.
        await page.route("**/ui/api/clock", async (route) => {
          const reply = await route.fetch();
          await expect.poll(() => live.source.clock?.state().finished, { timeout: 60_000 }).toBe(true);
          await page.waitForSelector('body[data-clock="finished"]', { timeout: 10_000 });
          await route.fulfill({ response: reply });
        });
        await page.goto(live.url);
        await page.waitForSelector('body[data-clock="paused"]');
        const replied = page.waitForEvent("requestfinished", (request) =>
          request.url().endsWith("/api/clock"),
        );
        await page.click("#clock .pause");
        await live.untilFinished(page, 60_000);
        await replied;
        // The page handles the reply a few tasks after its body arrives; give it time to (wrongly) redraw.
        await sleep(500);
        expect(await page.getAttribute("body", "data-clock")).toBe("finished");
        expect(await page.isDisabled("#clock .step")).toBe(true);
      } finally {
        await page.close();
        await live.close();
      }
    });

    it("sends Step then Play in click order, and catches up on events sent before its stream opened", async () => {
      const live = await startInProcessLive(scenarioPath);
      try {
        const page = await browser.browser.newPage({ viewport: { width: 1400, height: 1000 } });
        // The stream is held until the run has moved, so its first events happen with no stream open; the Step is
        // slow to reach the server, so a Play sent straight after it would overtake it and the run would stop.
        let openStream = () => {};
        const streamHeld = new Promise<void>((resolve) => (openStream = resolve));
        await page.route("**/ui/api/stream", async (route) => {
          await streamHeld;
          await route.continue();
        });
        await page.route("**/ui/api/clock", async (route) => {
          if (route.request().postDataJSON()?.action === "step") await sleep(500);
          await route.continue();
        });
        await page.goto(live.url);
        await page.waitForSelector('body[data-clock="paused"]');
        await page.click("#clock .step");
        await page.click("#clock .pause");
        await expect.poll(() => live.seen.length, { timeout: 60_000 }).toBeGreaterThan(0);
        openStream();
        await live.untilFinished(page, 120_000);
        const last = live.seen.at(-1)!;
        await page.waitForSelector(`body[data-ready="timeline"] .marker[data-seq="${last.seq}"]`, {
          timeout: 10_000,
        });
        await page.close();
      } finally {
        await live.close();
      }
    });
  },
);
