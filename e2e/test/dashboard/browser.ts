// Debian's chromium driven by playwright-core (never a downloaded browser). Tests skip with a message when
// /usr/bin/chromium is missing locally; under CI (CI=true) its absence is a failure, as .ci/run installs it.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";

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

/** axe-core, injected into pages for the accessibility check. */
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Serious or critical axe violations on the page, as "rule: nodes" strings. */
export async function axeViolations(page: Page): Promise<string[]> {
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
