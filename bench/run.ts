// Runs every benchmark in this folder, each in its own process so peak memory is its own.
// Each benchmark prints its own table with ratios against a baseline measured in the same run.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((name) => name.endsWith(".bench.ts"))
  .filter((name) => only.length === 0 || only.some((word) => name.includes(word)))
  .sort();

let failed = 0;
for (const file of files) {
  console.log(`\n## ${file}`);
  const result = spawnSync(process.execPath, ["--expose-gc", `${here}${file}`], { stdio: "inherit" });
  if (result.status !== 0) failed += 1;
}
if (files.length === 0) console.log("no benchmarks matched");
process.exitCode = failed === 0 ? 0 : 1;
