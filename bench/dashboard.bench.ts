// The dashboard's responsiveness (issue 17) in Debian's chromium: time to first render, to filter and to scroll
// to the last row of a 10,000-line log and a 1,000-device portal (virtual tables: only a window of rows is drawn),
// against rendering the empty dashboard in the same run. Synthetic
// data of the real shapes, served by the real server. Skips with a message when /usr/bin/chromium is missing.
import type { ImeEvent } from "@imesim/agent/events";
import type { LogRecord } from "@imesim/dashboard/api";
import { startDashboardServer } from "../e2e/src/dashboard/server.ts";
import type { DashboardSource } from "../e2e/src/dashboard/source.ts";
import { HAS_CHROMIUM, launchChromium, SKIP_REASON } from "../e2e/test/dashboard/browser.ts";
import { syntheticLogRecords, syntheticPortal } from "../e2e/test/dashboard/synthetic-fleet.ts";

/** A chromium page (playwright-core's type, through e2e's launcher: the root declares no playwright of its own). */
type Page = Awaited<ReturnType<Awaited<ReturnType<typeof launchChromium>>["browser"]["newPage"]>>;

const LOG_LINES = 10_000;
const DEVICES = 1_000;
const APPS = 5;
const RUNS = 5;

function source(devices: number, records: LogRecord[]): DashboardSource {
  const event = {
    seq: 1,
    phase: "service.stopped",
    simTime: 0,
    deviceId: "device-0",
    thread: 1,
    details: {},
  };
  const list = Array.from({ length: Math.min(devices, 1) }, () => ({
    deviceId: "device-0",
    deviceName: "DESKTOP-00000",
    eventCount: 1,
  }));
  const view = syntheticPortal(devices, APPS);
  return {
    mode: "saved",
    title: "bench",
    devices: () => list,
    events: () => [event as unknown as ImeEvent],
    logs: () => [{ name: "AppWorkload.log", records }],
    portal: () => view,
  };
}

/** Milliseconds from navigation to the view's ready mark. */
async function firstRender(page: Page, url: string, view: string): Promise<number> {
  await page.goto("about:blank");
  await page.goto(url);
  await page.waitForSelector(`body[data-ready="${view}"]`, { timeout: 120_000 });
  return page.evaluate(() => performance.now());
}

/** Milliseconds for one filter (input event → rows hidden), measured in the page. */
async function filterTime(page: Page, selector: string, value: string): Promise<number> {
  return page.evaluate(
    ([sel, text]) => {
      const input = document.querySelector<HTMLInputElement>(sel as string)!;
      const started = performance.now();
      input.value = text as string;
      input.dispatchEvent(new Event("input"));
      void document.body.offsetHeight;
      return performance.now() - started;
    },
    [selector, value],
  );
}

/** Milliseconds from a jump to the end of a virtual table's scroll area until its last row is drawn. */
async function scrollToEnd(page: Page, scroller: string, lastRowIndex: number): Promise<number> {
  return page.evaluate(
    ([sel, last]) =>
      new Promise<number>((resolve) => {
        const el = document.querySelector<HTMLElement>(sel as string)!;
        el.scrollTop = 0;
        const started = performance.now();
        const check = () => {
          // Row heights are measured as rows are drawn: the end may move once, so keep going until it is there.
          if (el.querySelector(`tr[aria-rowindex="${last}"]`) !== null) resolve(performance.now() - started);
          else {
            el.scrollTop = el.scrollHeight;
            requestAnimationFrame(check);
          }
        };
        el.scrollTop = el.scrollHeight;
        requestAnimationFrame(check);
      }),
    [scroller, lastRowIndex],
  );
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function main(): Promise<void> {
  if (!HAS_CHROMIUM) {
    console.log(SKIP_REASON);
    return;
  }
  const empty = await startDashboardServer(source(0, []));
  const full = await startDashboardServer(source(DEVICES, syntheticLogRecords(LOG_LINES)));
  const { browser, close } = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const rows: [string, number][] = [];
    const measure = async (name: string, run: () => Promise<number>) => {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i += 1) times.push(await run());
      rows.push([name, median(times)]);
    };
    await measure("baseline: empty dashboard, first render", () =>
      firstRender(page, `${empty.url}#/portal`, "portal"),
    );
    await measure(`log viewer, ${LOG_LINES} lines, first render`, () =>
      firstRender(page, `${full.url}#/logs?device=device-0`, "logs"),
    );
    await measure(`log viewer, ${LOG_LINES} lines, filter`, async () => {
      await filterTime(page, ".logs .filter", "");
      return filterTime(page, ".logs .filter", "lpExitCode 3");
    });
    await measure(`log viewer, ${LOG_LINES} lines, scroll to the last line`, async () => {
      await filterTime(page, ".logs .filter", "");
      return scrollToEnd(page, ".log-scroll", LOG_LINES + 1);
    });
    await measure(`portal, ${DEVICES} devices x ${APPS} apps, first render`, () =>
      firstRender(page, `${full.url}#/portal`, "portal"),
    );
    await measure(`portal, ${DEVICES} devices, filter`, async () => {
      await filterTime(page, ".portal .filter", "");
      return filterTime(page, ".portal .filter", "DESKTOP-001");
    });
    await measure(`portal, ${DEVICES} devices, scroll to the last device`, async () => {
      await filterTime(page, ".portal .filter", "");
      return scrollToEnd(page, ".portal-scroll", DEVICES + 1);
    });
    const base = rows[0]?.[1] ?? 1;
    console.log(`| measurement (median of ${RUNS}, chromium headless) | ms | × baseline |`);
    console.log("|---|---:|---:|");
    for (const [name, ms] of rows) console.log(`| ${name} | ${ms.toFixed(1)} | ${(ms / base).toFixed(2)} |`);
  } finally {
    await close();
    await empty.close();
    await full.close();
  }
}

await main();
