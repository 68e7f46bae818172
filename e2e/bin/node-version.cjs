// The Node.js version gate every entry point passes first (npm install's preinstall, npm test's pretest, the
// imesim bin behind npm start and npx imesim). It is CommonJS in syntax any Node since 14 parses, so an old Node
// gets one clear line instead of a stack trace about `.ts` files. The supported range is read from the root
// package.json's `engines.node`, not copied: "^22.19.0 || >=24.5.0", the LTS lines that strip types natively, from
// the first releases with tls.setDefaultCACertificates (the real-client tests trust the mock's CA with it).
"use strict";

const { readFileSync } = require("node:fs");
const { join } = require("node:path");

/** [major, minor, patch] of a version text such as "v22.18.0" or "24". */
function parts(text) {
  const numbers = String(text).replace(/^v/, "").split(".");
  return [0, 1, 2].map((i) => Number(numbers[i] || 0));
}

function compare(a, b) {
  for (let i = 0; i < 3; i += 1) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** True when `version` satisfies one `^x.y.z` or `>=x.y.z` alternative of `range` (the forms engines uses here). */
function satisfies(version, range) {
  const found = parts(version);
  return range.split("||").some((alternative) => {
    const text = alternative.trim();
    if (text.startsWith(">=")) return compare(found, parts(text.slice(2))) >= 0;
    if (text.startsWith("^")) {
      const floor = parts(text.slice(1));
      return found[0] === floor[0] && compare(found, floor) >= 0;
    }
    throw new Error(`engines.node alternative "${text}" is not ^x.y.z or >=x.y.z`);
  });
}

/** The one line an unsupported Node gets. */
function message(version, range) {
  const readable = range
    .split("||")
    .map((part) =>
      part
        .trim()
        .replace(/^\^(\d+)\.(\d+)\.\d+$/, "$1.$2 or a later $1.x")
        .replace(/^>=(\d+(\.[1-9]\d*)?)(\.0)*$/, "$1"),
    )
    .join(", or ");
  return (
    `imesim needs Node.js ${readable} or later; this is Node.js ${version.replace(/^v/, "")}. ` +
    "Install a supported one from https://nodejs.org (or run `nvm install`, which reads .nvmrc); " +
    "the containers (docker compose) need no Node.js on this machine."
  );
}

function supportedRange() {
  const manifest = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8"));
  return manifest.engines.node;
}

/** Exits at once with the one line when the running Node is outside the supported range. */
function requireSupportedNode() {
  const range = supportedRange();
  if (satisfies(process.version, range)) return;
  process.stderr.write(`${message(process.version, range)}\n`);
  process.exit(1);
}

module.exports = { message, requireSupportedNode, satisfies, supportedRange };

// `node e2e/bin/node-version.cjs` (npm's preinstall and pretest) checks and exits 0 or 1.
if (require.main === module) requireSupportedNode();
