import { ScenarioSchema } from "./schema.ts";

/** Where the published JSON Schema lives, relative to the e2e package root. */
export const SCENARIO_SCHEMA_FILE = "schema/scenario.schema.json";

/** The scenario JSON Schema as published for editors (YAML language servers read `$schema`). */
export function scenarioJsonSchemaText(): string {
  const document = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://imesim.dev/schema/scenario.schema.json",
    ...JSON.parse(JSON.stringify(ScenarioSchema)),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
