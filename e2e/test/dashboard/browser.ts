// Debian's chromium driven by playwright-core (never a downloaded browser). Tests skip with a message when
// /usr/bin/chromium is missing locally; under CI (CI=true) its absence is a failure, as .ci/run installs it.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ImeEvent } from "@imesim/agent/events";
import { type Browser, chromium, type Page } from "playwright-core";
import { createClockPacer } from "../../src/dashboard/clock-pacer.ts";
import { readEventsFile } from "../../src/dashboard/events-file.ts";
import { createLiveRunSource, type LiveRunSource } from "../../src/dashboard/live-run.ts";
import { loadSavedRun } from "../../src/dashboard/saved-run.ts";
import { type DashboardServer, startDashboardServer } from "../../src/dashboard/server.ts";
import { runScenario } from "../../src/run/run-scenario.ts";
import { loadScenarioFile } from "../../src/scenario/index.ts";

export const CHROMIUM = process.env.IMESIM_CHROMIUM ?? "/usr/bin/chromium";
export const HAS_CHROMIUM = existsSync(CHROMIUM);
/** Why browser tests skip, or undefined when they run. */
export const SKIP_REASON = HAS_CHROMIUM
  ? undefined
  : `browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`;
if (SKIP_REASON !== undefined && process.env.CI === "true")
  throw new Error(`${SKIP_REASON}; under CI the browser tests must run`);

/** Where screenshots go: the CI artefact folder. */
export const SCREENSHOTS = join(import.meta.dirname, "../../../.ci/out/screenshots");

/** Launches headless chromium; playwright's launch gives it a fresh temporary profile (its own --user-data-dir). */
export async function launchChromium(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

/** Serious or critical axe-core violations on the page, as "rule: nodes" strings (axe injected from the package). */
export async function axeViolations(page: Page): Promise<string[]> {
  const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const result = await (
      window as unknown as {
        axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> };
      }
    ).axe.run();
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes}`);
}

/** Starts `imesim run <scenario> --ui` in a child process; resolves with the dashboard URL it prints. */
export function startLiveUi(scenarioPath: string): { url: Promise<string>; stop: () => void } {
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, "../../bin/imesim.js"), "run", scenarioPath, "--ui"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const url = new Promise<string>((resolve, reject) => {
    let text = "";
    child.stderr.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const match = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/ui\/)/.exec(text);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.on("exit", () => reject(new Error(`imesim run --ui exited: ${text}`)));
  });
  return { url, stop: () => child.kill("SIGINT") };
}

/** Opens a live run's dashboard at `url` (it starts paused) and runs one clock step, until the timeline shows it. */
export async function openLiveAndStep(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('body[data-clock="paused"]');
  await page.click("#clock .step");
  await page.waitForSelector('body[data-ready="timeline"] .marker');
}

/** What `imesim run --ui` does, inside this process: the run starts paused, paced by the clock its page drives. */
export async function startInProcessLive(scenarioPath: string): Promise<{
  readonly url: string;
  readonly source: LiveRunSource;
  /** Every event of the run, as it is emitted. */
  readonly seen: readonly ImeEvent[];
  /** Resolves `body[data-clock="finished"]` on `page`, or rejects at once with the run's own error if it failed. */
  untilFinished(page: Page, timeout: number): Promise<void>;
  /** Lets a paused run go to its end, then stops the server. */
  close(): Promise<void>;
}> {
  const scenario = await loadScenarioFile(scenarioPath);
  const pacer = createClockPacer(scenario.startMs);
  const source = createLiveRunSource("live", pacer);
  const server = await startDashboardServer(source);
  const seen: ImeEvent[] = [];
  const run = runScenario(scenario, {
    workers: 1,
    recordChanges: true,
    driveClock: pacer.drive,
    onDevice: (device) => {
      source.addDevice(device);
      device.agent.events.subscribe((event) => seen.push(event));
    },
  });
  return {
    url: server.url,
    source,
    seen,
    untilFinished: async (page, timeout) => {
      const failed = run.then(() => new Promise<never>(() => {}));
      await Promise.race([page.waitForSelector('body[data-clock="finished"]', { timeout }), failed]);
      await run;
    },
    close: async () => {
      pacer.control.resume();
      await run.catch(() => undefined);
      await server.close();
    },
  };
}

/**
 * Waits for `selector`; when it does not come, fails saying what the page shows instead (its route, the view
 * it last finished drawing and the start of that view's text), so a failure in CI can be read without a rerun.
 */
export async function waitForView(page: Page, selector: string, timeout = 30_000): Promise<void> {
  try {
    await page.waitForSelector(selector, { timeout });
  } catch (error) {
    const shown = await page.evaluate(() => ({
      hash: location.hash,
      ready: document.body.dataset.ready,
      clock: document.body.dataset.clock,
      text: document.querySelector("#view")?.textContent?.replace(/\s+/g, " ").slice(0, 400),
    }));
    throw new Error(`${(error as Error).message}\nthe page shows instead: ${JSON.stringify(shown)}`);
  }
}

/** What `imesim run --out` then `imesim ui` give: a passed run saved to a temporary folder, served from it. */
export async function startSavedRun(scenarioPath: string): Promise<{
  readonly out: string;
  readonly server: DashboardServer;
  /** The first device's events, as saved. */
  readonly events: ImeEvent[];
  close(): Promise<void>;
}> {
  const out = mkdtempSync(join(tmpdir(), "imesim-ui-"));
  const result = await runScenario(await loadScenarioFile(scenarioPath), { outDir: out });
  if (!result.passed) throw new Error(`${scenarioPath} did not pass; its outputs are in ${out}`);
  const server = await startDashboardServer(loadSavedRun(out));
  return {
    out,
    server,
    events: readEventsFile(join(out, "device-0001", "events.jsonl")),
    close: async () => {
      await server.close();
      rmSync(out, { recursive: true, force: true });
    },
  };
}
