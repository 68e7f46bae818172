// Regenerates e2e/schema/scenario.schema.json from the TypeBox schema: `node e2e/src/scenario/write-json-schema.ts`.
// The file is then laid out by Biome like every other file; a test fails when its content is out of date.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SCENARIO_SCHEMA_FILE, scenarioJsonSchemaText } from "./json-schema.ts";

const target = fileURLToPath(new URL(`../../${SCENARIO_SCHEMA_FILE}`, import.meta.url));
writeFileSync(target, scenarioJsonSchemaText());
spawnSync("npx", ["biome", "format", "--write", target], { stdio: "inherit" });
console.log(`wrote ${target}`);
