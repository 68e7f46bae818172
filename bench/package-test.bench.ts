// `imesim test`'s memory with a large package (issue 19): a folder of random (incompressible, so the .bin is as
// large as the content) bytes for each size of IMESIM_BENCH_TEST_MB (default "256,1024") is packed, then the
// whole `imesim test` flow (package checks, lint, the simulated install through the mock service and the agent)
// runs on the .intunewin in a child process, whose peak RSS is the figure. The baseline is the same flow on a
// 1 MiB package in the same run: the fixed cost of the mock, the agent and the CLI. Goal: peak RSS < 300 MB
// whatever the package size.
import { spawnSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { packFolder } from "@imesim/contracts/intunewin";
import { runPackagingTest } from "../e2e/src/package-test/index.ts";

const { STREAMING_NODE_FLAGS } = createRequire(import.meta.url)("../e2e/bin/memory-flags.cjs") as {
  STREAMING_NODE_FLAGS: string[];
};
const MIB = 1024 * 1024;
const self = fileURLToPath(import.meta.url);
const sizesMiB = (process.env.IMESIM_BENCH_TEST_MB ?? "256,1024").split(",").map(Number);

/** In the child: runs the flow and prints the verdict, the time and the peak RSS as JSON. */
async function child(packagePath: string, appPath: string): Promise<void> {
  const start = performance.now();
  const report = await runPackagingTest({ packagePath, appPath });
  const ms = performance.now() - start;
  process.stdout.write(
    JSON.stringify({
      outcome: report.verdict.outcome,
      reasons: report.verdict.reasons,
      files: report.package.files.length,
      ms,
      maxRssKb: process.resourceUsage().maxRSS,
    }),
  );
}

/** Random bytes (deflate cannot shrink them: the honest worst case), in 64 MiB files, plus the setup script. */
function makeSource(folder: string, totalMiB: number): void {
  mkdirSync(join(folder, "data"), { recursive: true });
  writeFileSync(
    join(folder, "install.cmd"),
    '@echo off\r\nmd "%ProgramData%\\Bench"\r\necho installed> "%ProgramData%\\Bench\\bench.txt"\r\nexit /b 0\r\n',
  );
  const fileMiB = Math.min(64, totalMiB);
  const chunk = Buffer.allocUnsafe(MIB);
  for (let index = 0; index * fileMiB < totalMiB; index += 1) {
    const fd = openSync(join(folder, "data", `part${index}.bin`), "w");
    for (let written = 0; written < fileMiB; written += 1) writeSync(fd, randomFillSync(chunk));
    closeSync(fd);
  }
}

interface ChildResult {
  outcome: string;
  reasons: string[];
  files: number;
  ms: number;
  maxRssKb: number;
}

async function measure(work: string, totalMiB: number, appPath: string): Promise<ChildResult> {
  const source = join(work, `source-${totalMiB}`);
  makeSource(source, totalMiB);
  const packed = await packFolder({
    sourceFolder: source,
    setupFile: "install.cmd",
    outputFolder: join(work, `package-${totalMiB}`),
    overwrite: true,
  });
  rmSync(source, { recursive: true, force: true });
  // The child starts with the flags `imesim test` runs with (e2e/bin/memory-flags.cjs).
  const result = spawnSync(
    process.execPath,
    [...STREAMING_NODE_FLAGS, self, "--child", packed.outputPath, appPath],
    {
      encoding: "utf8",
      maxBuffer: 16 * MIB,
    },
  );
  rmSync(join(work, `package-${totalMiB}`), { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`imesim test flow failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as ChildResult;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "imesim-bench-test-"));
  try {
    const appPath = join(work, "app.yaml");
    writeFileSync(
      appPath,
      "name: Bench\ninstall: install.cmd\ndetection:\n  - file: C:\\ProgramData\\Bench\\bench.txt\n",
    );
    console.log(
      `imesim test bench: ${sizesMiB.join(" and ")} MiB of random content against a 1 MiB package, each in a fresh process`,
    );
    const small = await measure(work, 1, appPath);
    const mb = (kb: number) => (kb / 1024).toFixed(0);
    const rows = [
      `| 1 MiB (baseline) | ${small.outcome} | ${small.files} | ${(small.ms / 1000).toFixed(1)} s | ${mb(small.maxRssKb)} | — |`,
    ];
    for (const sizeMiB of sizesMiB) {
      const large = await measure(work, sizeMiB, appPath);
      rows.push(
        `| ${sizeMiB} MiB | ${large.outcome} | ${large.files} | ${(large.ms / 1000).toFixed(1)} s | ${mb(large.maxRssKb)} (${(large.maxRssKb / small.maxRssKb).toFixed(2)}× the baseline) | < 300 MB${large.maxRssKb / 1024 < 300 ? " met" : " NOT met"} |`,
      );
      if (large.outcome !== "PASS") rows.push(`reasons: ${large.reasons.join("; ")}`);
    }
    console.log("| package | verdict | files | time | peak RSS MB | goal |");
    console.log("|---|---|---|---|---|---|");
    for (const row of rows) console.log(row);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--child") {
  await child(process.argv[3] as string, process.argv[4] as string);
} else {
  await main();
}
