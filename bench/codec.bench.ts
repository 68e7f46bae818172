// The .intunewin codec's speed and memory: pack and unpack of incompressible and compressible content,
// against the standard tools doing the same job in the same run (issue 3):
//   pack baseline:   zip -r -6, openssl dgst (SHA-256 of the zip), openssl enc -aes-256-cbc, openssl dgst -hmac
//   unpack baseline: openssl dgst -hmac (MAC), openssl enc -d, openssl dgst (digest), unzip
// Goals: pack ≥ 1.5× and unpack ≥ 2× the baseline's throughput; peak RSS < 200 MB at any size.
// Data: by default issue 18's tree, 411 MiB (256 MiB random + 154 MiB text, plus a setup file and 200 small
// files); IMESIM_BENCH_CODEC_MB=N instead makes two data sets of N MiB each, one random, one text (e.g. 32 for a
// quick check that it runs). Every timed step starts from the same state (see settle). Each side runs
// IMESIM_BENCH_CODEC_ROUNDS times (default 3), baseline and imesim taking turns, and the medians count: the
// machine may be shared, so the load average before and after is printed with the table.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { packFolder, readPackage, unpackPackage } from "@imesim/contracts/intunewin";

const MIB = 1024 * 1024;
const ROUNDS = Math.max(1, Number(process.env.IMESIM_BENCH_CODEC_ROUNDS ?? "3"));
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

/** Large files of one kind: random (incompressible, as installers and archives are) or text. */
interface Part {
  mib: number;
  text: boolean;
}

/** A named tree: a setup file, 200 small text files and `parts` split into files of at most 64 MiB. */
interface DataSet {
  label: string;
  parts: Part[];
}

/** Issue 18's tree: 411 MiB, 256 MiB random and 154 MiB text besides the small files. */
const ISSUE_TREE: DataSet = {
  label: "411 MiB mixed",
  parts: [
    { mib: 256, text: false },
    { mib: 154, text: true },
  ],
};

function dataSets(): DataSet[] {
  const mib = process.env.IMESIM_BENCH_CODEC_MB;
  if (mib === undefined) return [ISSUE_TREE];
  return [
    { label: "incompressible", parts: [{ mib: Number(mib), text: false }] },
    { label: "compressible", parts: [{ mib: Number(mib), text: true }] },
  ];
}

/** Writes a data set's tree to `folder` and returns its size in bytes. */
function makeSource(folder: string, set: DataSet): number {
  mkdirSync(join(folder, "small"), { recursive: true });
  mkdirSync(join(folder, "large"), { recursive: true });
  let written = 0;
  const writeFile = (path: string, size: number, seed: number, text: boolean): void => {
    const fd = openSync(path, "w");
    for (let done = 0; done < size; ) {
      const length = Math.min(4 * MIB, size - done);
      writeSync(fd, text ? compressibleChunk(length, seed + done) : randomBytes(length));
      done += length;
    }
    closeSync(fd);
    written += size;
  };
  writeFile(join(folder, "setup.cmd"), 2048, 1, true);
  for (let index = 0; index < 200; index += 1)
    writeFile(join(folder, "small", `file-${index}.txt`), 1024 + index * 97, index, true);
  let file = 0;
  for (const part of set.parts) {
    const bytes = part.mib * MIB;
    for (let at = 0; at < bytes; at += 64 * MIB, file += 1) {
      const name = `part-${file}.${part.text ? "log" : "bin"}`;
      writeFile(join(folder, "large", name), Math.min(64 * MIB, bytes - at), file * 7919, part.text);
    }
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

/**
 * Checks that an unpack gave back every file of the source byte for byte (what `unzip` of the same zip gives): a
 * fast run that lost or changed data is no result. Runs outside the timed steps.
 */
function assertSameTree(source: string, output: string): void {
  const digests = (folder: string) =>
    readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const path = join(entry.parentPath, entry.name);
        return `${relative(folder, path)} ${createHash("sha256").update(readFileSync(path)).digest("hex")}`;
      })
      .sort()
      .join("\n");
  if (digests(source) !== digests(output))
    throw new Error(`unpack of ${source} did not give back the same files, byte for byte`);
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

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const loadAverage = (): string =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "imesim-codec-bench-"));
  const rows: string[][] = [];
  const loadBefore = loadAverage();
  try {
    for (const set of dataSets()) {
      const work = join(root, "work");
      const source = join(work, "source");
      mkdirSync(source, { recursive: true });
      const bytes = makeSource(source, set);
      const key = randomBytes(32).toString("hex");
      const macKey = randomBytes(32).toString("hex");
      const iv = randomBytes(16).toString("hex");
      const packagePath = join(work, "package", "setup.intunewin");
      const baseOutputs = [join(work, "plain.zip"), join(work, "base-out")];
      const ourOutput = join(work, "ours-out");
      const basePack: number[] = [];
      const ourPack: number[] = [];
      const baseUnpack: number[] = [];
      const ourUnpack: number[] = [];
      let packRss = 0;
      let unpackRss = 0;
      for (let round = 0; round < ROUNDS; round += 1) {
        settle(join(work, "inner.zip"), join(work, "inner.enc"));
        basePack.push(
          timeShell(
            `zip -q -r -6 ../inner.zip . && openssl dgst -sha256 ../inner.zip >/dev/null && ` +
              `openssl enc -aes-256-cbc -K ${key} -iv ${iv} -in ../inner.zip -out ../inner.enc && ` +
              `openssl dgst -sha256 -mac HMAC -macopt hexkey:${macKey} ../inner.enc >/dev/null`,
            source,
          ),
        );
        settle(join(work, "inner.zip"));
        const packed = runChild("pack", source, join(work, "package"));
        ourPack.push(packed.ms);
        packRss = Math.max(packRss, packed.maxRssKb);
        settle(...baseOutputs, ourOutput);
        baseUnpack.push(
          timeShell(
            `openssl dgst -sha256 -mac HMAC -macopt hexkey:${macKey} inner.enc >/dev/null && ` +
              `openssl enc -d -aes-256-cbc -K ${key} -iv ${iv} -in inner.enc -out plain.zip && ` +
              `openssl dgst -sha256 plain.zip >/dev/null && unzip -q plain.zip -d base-out`,
            work,
          ),
        );
        settle(...baseOutputs);
        const unpacked = runChild("unpack", packagePath, ourOutput);
        ourUnpack.push(unpacked.ms);
        unpackRss = Math.max(unpackRss, unpacked.maxRssKb);
      }
      assertSameTree(source, ourOutput);
      const pkg = await readPackage(packagePath);
      const ratio = pkg.detection.UnencryptedContentSize / bytes;
      await pkg.close();
      const mbps = (ms: number) => (bytes / 1e6 / (ms / 1000)).toFixed(0);
      const seconds = (values: number[]) => values.map((ms) => (ms / 1000).toFixed(2)).join(" ");
      for (const [op, ours, base, rss] of [
        ["pack", ourPack, basePack, packRss],
        ["unpack", ourUnpack, baseUnpack, unpackRss],
      ] as const) {
        rows.push([
          op,
          set.label,
          seconds(ours),
          seconds(base),
          mbps(median(ours)),
          mbps(median(base)),
          (median(base) / median(ours)).toFixed(2),
          (rss / 1024).toFixed(0),
          ratio.toFixed(3),
        ]);
      }
      rmSync(work, { recursive: true, force: true });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  console.log(`rounds: ${ROUNDS} per side (IMESIM_BENCH_CODEC_ROUNDS); MB/s and ratio from the medians`);
  console.log(
    `load average (1, 5, 15 min): before ${loadBefore}, after ${loadAverage()}, on ${cpus().length} cores`,
  );
  const header = [
    "op",
    "content",
    "imesim s",
    "baseline s",
    "imesim MB/s",
    "baseline MB/s",
    "ratio",
    "peak RSS MB",
    "zip ratio",
  ];
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
