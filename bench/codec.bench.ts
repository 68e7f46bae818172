// The .intunewin codec's speed and memory: pack and unpack of incompressible and compressible content,
// against the standard tools doing the same job in the same run (issue 3):
//   pack baseline:   zip -r -6, openssl dgst (SHA-256 of the zip), openssl enc -aes-256-cbc, openssl dgst -hmac
//   unpack baseline: openssl dgst -hmac (MAC), openssl enc -d, openssl dgst (digest), unzip
// Goals: pack ≥ 1.5× and unpack ≥ 2× the baseline's throughput; peak RSS < 200 MB at any size.
// Every timed step starts from the same state (see settle); unpack runs twice per side and the best run counts.
// Size per data set: IMESIM_BENCH_CODEC_MB (default 1024); a small size, e.g. 32, makes a quick check that it runs.
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { packFolder, readPackage, unpackPackage } from "@imesim/contracts/intunewin";

const MIB = 1024 * 1024;
/** Unpack is short enough to run twice: each side's best run counts, so one side's bad luck does not decide. */
const UNPACK_ROUNDS = 2;
const self = fileURLToPath(import.meta.url);

/** Runs one codec operation in this (child) process and prints its time and peak RSS as JSON. */
async function child(operation: string, source: string, target: string): Promise<void> {
  const start = performance.now();
  if (operation === "pack") {
    await packFolder({ sourceFolder: source, setupFile: "setup.cmd", outputFolder: target, overwrite: true });
  } else {
    await unpackPackage(source, target, { overwrite: true });
  }
  const ms = performance.now() - start;
  process.stdout.write(JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS }));
}

/** Text-like data (scripts and logs: words, numbers, line breaks) that deflate -6 shrinks to about a quarter. */
function compressibleChunk(length: number, seed: number): Buffer {
  const words = [
    "install",
    "registry",
    "HKLM",
    "Software",
    "value",
    "success",
    "0x80070002",
    "C:\\Program Files",
    "detect",
    "msiexec",
  ];
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  let state = seed >>> 0;
  while (at < length) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    at += out.write(words[state % words.length] as string, at);
    // A number after some words keeps the data from being trivially repetitive.
    if (at < length && state % 3 === 0) at += out.write(` ${state >>> 20}`, at);
    if (at < length) at += out.write(state % 9 === 0 ? "\r\n" : " ", at);
  }
  return out;
}

/** A setup folder of `totalMiB`: a setup file, 200 small files and the rest in 64 MiB files. */
function makeSource(folder: string, totalMiB: number, compressible: boolean): number {
  mkdirSync(join(folder, "small"), { recursive: true });
  mkdirSync(join(folder, "large"), { recursive: true });
  let written = 0;
  const writeFile = (path: string, size: number, seed: number): void => {
    const fd = openSync(path, "w");
    for (let done = 0; done < size; ) {
      const length = Math.min(4 * MIB, size - done);
      writeSync(fd, compressible ? compressibleChunk(length, seed + done) : randomBytes(length));
      done += length;
    }
    closeSync(fd);
    written += size;
  };
  writeFile(join(folder, "setup.cmd"), 2048, 1);
  for (let index = 0; index < 200; index += 1)
    writeFile(join(folder, "small", `file-${index}.txt`), 1024 + index * 97, index);
  const remaining = totalMiB * MIB - written;
  for (let index = 0; index * 64 * MIB < remaining; index += 1) {
    writeFile(
      join(folder, "large", `part-${index}.bin`),
      Math.min(64 * MIB, remaining - index * 64 * MIB),
      index * 7919,
    );
  }
  return written;
}

/**
 * Starts a timed step from the state every other step starts from: earlier outputs deleted and dirty pages
 * written back. Without it a step pays for the writeback of the step before it, and on a VM for fresh
 * page-cache memory while the previous step's output still fills the cache: in one run unpack measured
 * 1.7 s alone and 3.3 s right after the baseline had written its 1 GiB.
 */
function settle(...outputs: string[]): void {
  for (const output of outputs) rmSync(output, { recursive: true, force: true });
  execFileSync("sync");
}

/** Checks that an unpack gave back every file of the source with its size (a fast run that lost data is no result). */
function assertSameSizes(source: string, output: string): void {
  const sizes = (folder: string) =>
    readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map(
        (entry) =>
          `${relative(folder, join(entry.parentPath, entry.name))} ${statSync(join(entry.parentPath, entry.name)).size}`,
      )
      .sort()
      .join("\n");
  if (sizes(source) !== sizes(output))
    throw new Error(`unpack of ${source} did not give back the same files`);
}

function timeShell(script: string, cwd: string): number {
  const start = performance.now();
  execFileSync("sh", ["-c", script], { cwd, stdio: ["ignore", "ignore", "inherit"] });
  return performance.now() - start;
}

function runChild(operation: string, source: string, target: string): { ms: number; maxRssKb: number } {
  const result = spawnSync(process.execPath, [self, "--child", operation, source, target], {
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`${operation} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { ms: number; maxRssKb: number };
}

async function main(): Promise<void> {
  const sizeMiB = Number(process.env.IMESIM_BENCH_CODEC_MB ?? "1024");
  const root = mkdtempSync(join(tmpdir(), "imesim-codec-bench-"));
  const rows: string[][] = [];
  try {
    for (const compressible of [false, true]) {
      const label = compressible ? "compressible" : "incompressible";
      const work = join(root, label);
      const source = join(work, "source");
      mkdirSync(source, { recursive: true });
      const bytes = makeSource(source, sizeMiB, compressible);
      const key = randomBytes(32).toString("hex");
      const macKey = randomBytes(32).toString("hex");
      const iv = randomBytes(16).toString("hex");

      settle();
      const basePack = timeShell(
        `zip -q -r -6 ../inner.zip . && openssl dgst -sha256 ../inner.zip >/dev/null && ` +
          `openssl enc -aes-256-cbc -K ${key} -iv ${iv} -in ../inner.zip -out ../inner.enc && ` +
          `openssl dgst -sha256 -mac HMAC -macopt hexkey:${macKey} ../inner.enc >/dev/null`,
        source,
      );
      settle(join(work, "inner.zip"));
      const ourPack = runChild("pack", source, join(work, "package"));
      const packagePath = join(work, "package", "setup.intunewin");
      const baseOutputs = [join(work, "plain.zip"), join(work, "base-out")];
      const ourOutput = join(work, "ours-out");
      let baseUnpack = Number.POSITIVE_INFINITY;
      const ourUnpack = { ms: Number.POSITIVE_INFINITY, maxRssKb: 0 };
      for (let round = 0; round < UNPACK_ROUNDS; round += 1) {
        settle(...baseOutputs, ourOutput);
        baseUnpack = Math.min(
          baseUnpack,
          timeShell(
            `openssl dgst -sha256 -mac HMAC -macopt hexkey:${macKey} inner.enc >/dev/null && ` +
              `openssl enc -d -aes-256-cbc -K ${key} -iv ${iv} -in inner.enc -out plain.zip && ` +
              `openssl dgst -sha256 plain.zip >/dev/null && unzip -q plain.zip -d base-out`,
            work,
          ),
        );
        settle(...baseOutputs);
        const run = runChild("unpack", packagePath, ourOutput);
        ourUnpack.ms = Math.min(ourUnpack.ms, run.ms);
        ourUnpack.maxRssKb = Math.max(ourUnpack.maxRssKb, run.maxRssKb);
      }
      assertSameSizes(source, ourOutput);
      const pkg = await readPackage(packagePath);
      const ratio = pkg.detection.UnencryptedContentSize / bytes;
      await pkg.close();
      const mbps = (ms: number) => (bytes / 1e6 / (ms / 1000)).toFixed(0);
      rows.push(
        [
          "pack",
          label,
          mbps(ourPack.ms),
          mbps(basePack),
          (basePack / ourPack.ms).toFixed(2),
          (ourPack.maxRssKb / 1024).toFixed(0),
          ratio.toFixed(3),
        ],
        [
          "unpack",
          label,
          mbps(ourUnpack.ms),
          mbps(baseUnpack),
          (baseUnpack / ourUnpack.ms).toFixed(2),
          (ourUnpack.maxRssKb / 1024).toFixed(0),
          ratio.toFixed(3),
        ],
      );
      rmSync(work, { recursive: true, force: true });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  console.log(`content per data set: ${sizeMiB} MiB (IMESIM_BENCH_CODEC_MB)`);
  const header = ["op", "content", "imesim MB/s", "baseline MB/s", "ratio", "peak RSS MB", "zip ratio"];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells.map((cell, column) => cell.padStart(widths[column] ?? 0)).join("  ");
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  console.log("goals: pack ratio ≥ 1.5, unpack ratio ≥ 2, peak RSS < 200 MB");
}

const [flag, operation, source, target] = process.argv.slice(2);
if (flag === "--child" && operation !== undefined && source !== undefined && target !== undefined) {
  await child(operation, source, target);
} else {
  await main();
}
