import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { formatPackagingReport, runPackagingTest } from "../../src/package-test/index.ts";

const FIXTURES = fileURLToPath(new URL("../../../fixtures/intunewin/", import.meta.url));
const APPS = fileURLToPath(new URL("../fixtures/apps/", import.meta.url));
const WEB = fileURLToPath(new URL("../fixtures/web/", import.meta.url));
const BIN = fileURLToPath(new URL("../../bin/imesim.js", import.meta.url));
const fixture = (name: string) => join(FIXTURES, `${name}__install.intunewin`);
const app = (name: string) => join(APPS, `${name}.json`);

describe("imesim test on the real packages of fixtures/intunewin", () => {
  const WINGET = fixture("MrMeeb_Intune-Winget-Universal-App-Installer");
  const CHOCOLATEY = fixture("kevin92fung_Intune-Chocolatey");
  const CATALOGUE = join(WEB, "catalogue.yaml");
  const SCRIPT_URL =
    "https://raw.githubusercontent.com/MrMeeb/Intune-Winget-Universal-App-Installer/refs/heads/main/Online/install.ps1";

  it("winget 7-Zip: with the downloaded script served (--web) and 7zip.7zip in the catalogue, PASS", async () => {
    const report = await runPackagingTest({
      packagePath: WINGET,
      appPath: app("winget-7zip"),
      world: { web: [`${SCRIPT_URL}=${join(WEB, "winget-install.ps1")}`], catalogue: CATALOGUE },
    });
    expect(report.package).toMatchObject({
      kind: "intunewin",
      setupFile: "install.cmd",
      files: ["install.cmd"],
      findings: [],
    });
    expect(report.lint).toEqual([]);
    expect(report.simulation).toMatchObject({ conclusive: true, exitCode: 0, detectedAfter: true });
    expect(report.verdict).toEqual({ outcome: "PASS", passed: true, conclusive: true, reasons: [] });
  });

  it("winget 7-Zip: an id outside the catalogue is winget's 0x8A150014, which the IME maps to a failure", async () => {
    const report = await runPackagingTest({
      packagePath: WINGET,
      appPath: app("winget-7zip"),
      world: { web: [`${SCRIPT_URL}=${join(WEB, "winget-install.ps1")}`] },
    });
    expect(report.simulation).toMatchObject({ conclusive: true, exitCode: 0x8a150014 });
    expect(report.verdict.outcome).toBe("FAIL");
    expect(report.verdict.reasons[0]).toMatch(/^SIMULATED_INSTALL_FAILED: .*exit code 2316632084, unmapped/);
  });

  it("winget 7-Zip offline: the download fails, the script is never there, and the install fails (FAIL)", async () => {
    const report = await runPackagingTest({
      packagePath: WINGET,
      appPath: app("winget-7zip"),
      world: { offline: true },
    });
    expect(report.simulation).toMatchObject({ conclusive: true, exitCode: 0xfffd0000 });
    expect(report.verdict.outcome).toBe("FAIL");
    expect(report.verdict.reasons[0]).toMatch(/^SIMULATED_INSTALL_FAILED: .*exit code 4294770688/);
  });

  it("winget 7-Zip with neither --web nor --offline: INCONCLUSIVE, naming the URL, the line and both flags", async () => {
    const report = await runPackagingTest({ packagePath: WINGET, appPath: app("winget-7zip") });
    expect(report.verdict).toMatchObject({ outcome: "INCONCLUSIVE", conclusive: false });
    const reason = report.verdict.reasons.join("\n");
    expect(reason).toContain(`-Command line 1: the download of \`${SCRIPT_URL}\` is not modelled`);
    expect(reason).toContain(`--web ${SCRIPT_URL}=<file>`);
    expect(reason).toContain("--offline");
  });

  it("Chocolatey Chrome: the bootstrap is modelled, choco installs googlechrome from the catalogue: PASS", async () => {
    const report = await runPackagingTest({
      packagePath: CHOCOLATEY,
      appPath: app("chocolatey-chrome"),
      world: { catalogue: CATALOGUE },
    });
    // The 32-bit PowerShell note stays (information), the install itself is simulated end to end.
    expect(report.lint.map((finding) => finding.code)).toEqual(["POWERSHELL_32BIT"]);
    expect(report.simulation).toMatchObject({ conclusive: true, exitCode: 0, detectedAfter: true });
    expect(report.verdict).toMatchObject({ outcome: "PASS", passed: true, conclusive: true });
  });

  it("Chocolatey Chrome: an id the catalogue lacks fails in choco, the script still exits 0: not detected (FAIL)", async () => {
    const report = await runPackagingTest({ packagePath: CHOCOLATEY, appPath: app("chocolatey-chrome") });
    expect(report.simulation).toMatchObject({ conclusive: true, exitCode: 0, detectedAfter: false });
    expect(report.verdict.outcome).toBe("FAIL");
    expect(report.verdict.reasons[0]).toContain("0x87D1041C");
    // The report says why: the install command and what choco printed about the missing package.
    const [install] = report.simulation?.commands ?? [];
    expect(install).toMatchObject({ intent: "install", attempt: 1, exitCode: 0 });
    expect(install?.output).toMatch(/googlechrome/i);
    const text = formatPackagingReport(report);
    expect(text).toContain("commands run:");
    expect(text).toMatch(/\| .*googlechrome/i);
  });

  it("Chocolatey Chrome offline: the WebClient download fails, the script throws: exit 1 (FAIL)", async () => {
    const report = await runPackagingTest({
      packagePath: CHOCOLATEY,
      appPath: app("chocolatey-chrome"),
      world: { offline: true },
    });
    expect(report.simulation).toMatchObject({ conclusive: true, exitCode: 1 });
    expect(report.verdict.outcome).toBe("FAIL");
  });

  it("fails the time-zone package when detection reads the 64-bit registry the 32-bit PowerShell never wrote", async () => {
    const naive = await runPackagingTest({
      packagePath: fixture("Rhuberry_TimeZoneAutoUpdate"),
      appPath: app("timezone-naive"),
    });
    expect(naive.package.files).toEqual(["install.ps1", "uninstall.ps1"]);
    expect(naive.verdict.passed).toBe(false);
    expect(naive.verdict.reasons[0]).toMatch(/^WOW64_REGISTRY_MISMATCH: .*TimeZoneTaskScheduler/);
    const fixed = await runPackagingTest({
      packagePath: fixture("Rhuberry_TimeZoneAutoUpdate"),
      appPath: app("timezone"),
    });
    // Once detection reads the 32-bit view the PowerShell install (Task Scheduler COM, registry) passes.
    expect(fixed.verdict).toMatchObject({ outcome: "PASS", passed: true, conclusive: true });
    // The naive rule is caught by the simulation too: exit 0, then not detected (0x87D1041C).
    expect(naive.simulation).toMatchObject({ conclusive: true, exitCode: 0, detectedAfter: false });
    expect(naive.verdict.reasons.join("\n")).toContain("0x87D1041C");
  });

  it("reads the backslash-named sub-folders of the Company Portal tray package and simulates its install", async () => {
    const report = await runPackagingTest({
      packagePath: fixture("JayRHa_CompanyPortalSystemTrayTool"),
      appPath: app("company-portal-tray"),
    });
    expect(report.package.files).toHaveLength(14);
    expect(report.package.files).toContain("IntuneSystemTrayV2/CMTrace.exe");
    // install.bat runs the PowerShell copy script and schtasks /Create /XML, both modelled: a real verdict.
    expect(report.simulation).toMatchObject({ conclusive: true, exitCode: 0, detectedAfter: true });
    expect(report.verdict).toMatchObject({ outcome: "PASS", passed: true, conclusive: true });
    const text = formatPackagingReport(report);
    expect(text).toContain("Verdict: PASS");
    expect(text).toMatch(/1603 {2}unmapped {3}→ 5000 0x80070643/);
  });
});

describe("imesim test exit codes", () => {
  const dir = mkdtempSync(join(tmpdir(), "imesim-test-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, "test", ...args], { encoding: "utf8" });

  it("0 for a package that would install, with a JSON report for CI", () => {
    const appFile = join(dir, "contoso.yaml");
    writeFileSync(
      appFile,
      'name: Contoso Tool\ninstall: msiexec /i "ContosoTool.msi" /qn\ndetection:\n  - msi: "{6F1E2D3C-4B5A-4968-8776-A5B4C3D2E1F0}"\n',
    );
    const folder = fileURLToPath(new URL("../../scenarios/packages/contoso-msi", import.meta.url));
    const json = execFileSync(process.execPath, [BIN, "test", folder, "--app", appFile, "--json"], {
      encoding: "utf8",
    });
    expect(JSON.parse(json).verdict).toMatchObject({ outcome: "PASS", passed: true, conclusive: true });
  });

  it("1 for a package that would fail in Intune, saying why", () => {
    const result = run(fixture("Rhuberry_TimeZoneAutoUpdate"), "--app", app("timezone-naive"));
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("FAIL");
  });

  // Each spawns the CLI several times (a full simulation each): slow on a loaded machine.
  it("0 for an inconclusive simulation, clearly printed; 1 with --strict; verdict.conclusive false in JSON", () => {
    // The winget package downloads its script at install time; neither --web nor --offline decides it.
    const args = [fixture("MrMeeb_Intune-Winget-Universal-App-Installer"), "--app", app("winget-7zip")];
    const lenient = run(...args);
    expect(lenient.status).toBe(0);
    expect(lenient.stdout).toContain("Verdict: INCONCLUSIVE");
    const strict = run(...args, "--strict");
    expect(strict.status).toBe(1);
    const json = run(...args, "--json");
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout).verdict).toMatchObject({ outcome: "INCONCLUSIVE", conclusive: false });
    const help = run("--help").stdout;
    expect(help).toContain("--strict");
    expect(help).toContain("INCONCLUSIVE");
  }, 120_000);

  it("--web, --offline and --catalogue from the command line decide the downloading packages", () => {
    const wingetArgs = [fixture("MrMeeb_Intune-Winget-Universal-App-Installer"), "--app", app("winget-7zip")];
    const offline = run(...wingetArgs, "--offline");
    expect(offline.status).toBe(1);
    expect(offline.stdout).toContain("Verdict: FAIL");
    const url =
      "https://raw.githubusercontent.com/MrMeeb/Intune-Winget-Universal-App-Installer/refs/heads/main/Online/install.ps1";
    const served = run(
      ...wingetArgs,
      "--web",
      `${url}=${join(WEB, "winget-install.ps1")}`,
      "--catalogue",
      join(WEB, "catalogue.yaml"),
    );
    expect(served.stdout).toContain("Verdict: PASS");
    expect(served.status).toBe(0);
    const badWeb = run(...wingetArgs, "--web", `${url}=${join(dir, "missing.ps1")}`);
    expect(badWeb.status).toBe(2);
    expect(badWeb.stderr).toContain("missing.ps1 does not exist");
    const help = run("test", "--help").stdout;
    expect(help).toContain("--web <url=file>");
    expect(help).toContain("--offline");
  }, 120_000);

  it("2 for input that is not an app definition or not a package", () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, '{"displayName": "x"}');
    const notApp = run(fixture("MrMeeb_Intune-Winget-Universal-App-Installer"), "--app", bad);
    expect(notApp.status).toBe(2);
    expect(notApp.stderr).toContain("bad.json");
    const notPackage = run(join(dir, "missing.intunewin"), "--app", app("winget-7zip"));
    expect(notPackage.status).toBe(2);
    const folder = fileURLToPath(new URL("../../scenarios/packages/contoso-msi", import.meta.url));
    const noSetup = run(folder, "--app", app("winget-7zip"), "--setup", "setup.exe");
    expect(noSetup.status).toBe(2);
    expect(noSetup.stderr).toContain("setup file setup.exe is not in");
  });

  it("lints a source folder as IntuneWinAppUtil would pack it", async () => {
    const folder = join(dir, "src");
    execFileSync("mkdir", ["-p", folder]);
    writeFileSync(
      join(folder, "install.cmd"),
      '@echo off\r\nxcopy /y tool.exe "%ProgramFiles%\\Contoso Tool\\"\r\n',
    );
    const appFile = join(dir, "short.yaml");
    writeFileSync(
      appFile,
      "name: Contoso Tool\ninstall: install.cmd\ndetection:\n  - file: C:\\Program Files\\Contoso Tool\\tool.exe\n",
    );
    const report = await runPackagingTest({ packagePath: folder, appPath: appFile });
    expect(report.app.form).toBe("short");
    expect(report.lint.map((finding) => finding.code)).toContain("WOW64_PROGRAM_FILES_MISMATCH");
    expect(report.verdict.passed).toBe(false);
  });
});

describe("detection on a fresh device", () => {
  const dir = mkdtempSync(join(tmpdir(), "imesim-fresh-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("fails an app whose detection already matches on a fresh Windows device", async () => {
    const appFile = join(dir, "always.yaml");
    writeFileSync(
      appFile,
      "name: Always There\ninstall: setup.exe /S\ndetection:\n  - file: C:\\Windows\\System32\\cmd.exe\n",
    );
    const folder = join(dir, "src");
    execFileSync("mkdir", ["-p", folder]);
    writeFileSync(join(folder, "setup.exe"), "x");
    const report = await runPackagingTest({ packagePath: folder, appPath: appFile });
    expect(report.freshDevice.detected).toBe(true);
    expect(report.verdict.passed).toBe(false);
    expect(report.verdict.reasons.some((reason) => reason.startsWith("DETECTED_ON_FRESH_DEVICE"))).toBe(true);
  });
});

describe("imesim test with an MSI", () => {
  const dir = mkdtempSync(join(tmpdir(), "imesim-msi-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const MSI_FOLDER = fileURLToPath(new URL("../../scenarios/packages/contoso-msi", import.meta.url));

  it("compares detection with the ProductCode read from the package's .msi", async () => {
    const appFile = join(dir, "contoso.yaml");
    const app = (code: string) =>
      `name: Contoso Tool\ninstall: msiexec /i "ContosoTool.msi" /qn\ndetection:\n  - msi: "${code}"\n`;
    writeFileSync(appFile, app("{6F1E2D3C-4B5A-4968-8776-A5B4C3D2E1F1}"));
    const wrong = await runPackagingTest({ packagePath: MSI_FOLDER, appPath: appFile });
    expect(wrong.lint.map((finding) => finding.code)).toContain("MSI_PRODUCT_CODE_MISMATCH");
    expect(wrong.verdict.passed).toBe(false);
    // The msiexec model installs the real .msi; detection by the wrong code then fails as the IME would.
    expect(wrong.simulation).toMatchObject({
      conclusive: true,
      exitCode: 0,
      detectedAfter: false,
      enforcementState: 5000,
    });
    expect(
      wrong.verdict.reasons.some(
        (reason) => reason.startsWith("SIMULATED_INSTALL_FAILED") && reason.includes("0x87D1041C"),
      ),
    ).toBe(true);
    writeFileSync(appFile, app("{6F1E2D3C-4B5A-4968-8776-A5B4C3D2E1F0}"));
    const right = await runPackagingTest({ packagePath: MSI_FOLDER, appPath: appFile });
    expect(right.verdict).toEqual({ outcome: "PASS", passed: true, conclusive: true, reasons: [] });
    expect(right.simulation).toMatchObject({
      conclusive: true,
      detectedBefore: false,
      exitCode: 0,
      mapping: "Success",
      detectedAfter: true,
      enforcementState: 1000,
    });
  });
});
