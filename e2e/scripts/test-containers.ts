// `npm run test:containers`: the container path end to end, against the built images (imesim/*:dev).
// First the compose scenarios (each must end with its expected verdict), then the testcontainers suite.
// Without a reachable Docker engine it fails at once saying so: never a silent pass or skip.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const MINUTE = 60_000;

/** The compose runs: scenario, its folder, agents, and the exit code the runner must end with. */
const COMPOSE_RUNS = [
  { scenario: "demo.yaml", dir: "./e2e/scenarios", agents: 3, expected: 0 },
  { scenario: "broken-expectation.yaml", dir: "./e2e/test/containers/scenarios", agents: 1, expected: 1 },
] as const;

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(0)} s`;
}

const engine = spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], {
  encoding: "utf8",
  timeout: 30_000,
});
if (engine.status !== 0) {
  const reason = (engine.error?.message ?? engine.stderr ?? "").trim().split("\n")[0] ?? "";
  process.stderr.write(`Docker is required for npm run test:containers, and no engine answered: ${reason}\n`);
  process.exit(1);
}
process.stdout.write(`Docker engine ${engine.stdout.trim()}\n`);

const files = [
  "-f",
  "docker-compose.yml",
  ...(process.env.IMESIM_COMPOSE_HOST_NETWORK === "1" ? ["-f", "compose.host-network.yml"] : []),
];
// The agents and the runner run as uid 1000 and write into this bind-mounted folder.
mkdirSync(`${root}/.imesim/compose`, { recursive: true });
chmodSync(`${root}/.imesim/compose`, 0o777);

let failures = 0;
for (const run of COMPOSE_RUNS) {
  const started = performance.now();
  const env = { ...process.env, SCENARIO: run.scenario, SCENARIOS_DIR: run.dir, AGENTS: String(run.agents) };
  process.stdout.write(
    `\n=== compose: ${run.scenario} with ${run.agents} agent(s), expecting exit ${run.expected}\n`,
  );
  const up = spawnSync(
    "docker",
    ["compose", ...files, "up", "--abort-on-container-exit", "--exit-code-from", "runner"],
    { cwd: root, env, stdio: "inherit", timeout: 10 * MINUTE },
  );
  spawnSync("docker", ["compose", ...files, "down", "--volumes", "--remove-orphans", "--timeout", "5"], {
    cwd: root,
    env,
    stdio: "ignore",
    timeout: 2 * MINUTE,
  });
  const held = up.status === run.expected;
  if (!held) failures += 1;
  process.stdout.write(
    `compose: ${run.scenario} exited ${up.status ?? `on ${up.signal ?? up.error?.message}`} (expected ${run.expected}) in ${seconds(started)}: ${held ? "ok" : "FAILED"}\n`,
  );
}
process.stdout.write(
  `\nCompose scenarios: ${COMPOSE_RUNS.length - failures} passed, ${failures} failed\n\n=== testcontainers\n`,
);
const started = performance.now();
const vitest = spawnSync("npx", ["vitest", "run", "-c", "vitest.containers.config.ts"], {
  cwd: root,
  stdio: "inherit",
  timeout: 30 * MINUTE,
});
process.stdout.write(`testcontainers suite: exit ${vitest.status} in ${seconds(started)}\n`);
process.exit(failures === 0 && vitest.status === 0 ? 0 : 1);
