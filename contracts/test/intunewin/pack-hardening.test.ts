// Pack side of the codec's issue 3 acceptance findings: typed filesystem errors, a bounded output-folder walk,
// names Windows cannot hold, Windows separators in the setup path, and stopping with an AbortSignal.
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ImesimError, isImesimError } from "../../src/errors/index.ts";
import { IntunewinErrorCode, packFolder, unpackPackage } from "../../src/intunewin/index.ts";
import { tempFolder, writeTree } from "./helpers.ts";

/** The ImesimError a promise rejects with (fails the test if it resolves or rejects with anything else). */
async function rejection(promise: Promise<unknown>): Promise<ImesimError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isImesimError(error)) throw new Error(`expected an ImesimError, got ${String(error)}`);
  return error;
}

describe("packFolder hardening", () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  function sourceWith(tree: Record<string, string | Buffer | null>): { root: string; source: string } {
    const temp = tempFolder("imesim-pack-hardening-");
    cleanup = temp.cleanup;
    const source = join(temp.path, "source");
    writeTree(source, { "setup.cmd": "exit /b 0\r\n", ...tree });
    return { root: temp.path, source };
  }

  it("a temporary file that cannot be created is INTUNEWIN_IO_FAILED naming it, not a bare errno", async () => {
    const { source } = sourceWith({});
    // /proc exists and is a folder, but nobody (root included) can create a file in it.
    const error = await rejection(
      packFolder({ sourceFolder: source, setupFile: "setup.cmd", outputFolder: "/proc", overwrite: true }),
    );
    expect(error.code).toBe(IntunewinErrorCode.ioFailed);
    expect(error.message).toMatch(/cannot create \/proc\/\.setup\.intunewin\.[0-9a-f]+\.tmp: E[A-Z]+/);
  });

  it("an output folder that cannot be created fails at once (Node's recursive mkdir loops on /proc/x)", async () => {
    const { source } = sourceWith({});
    const error = await rejection(
      packFolder({
        sourceFolder: source,
        setupFile: "setup.cmd",
        outputFolder: "/proc/nope",
        overwrite: true,
      }),
    );
    expect(error.code).toBe(IntunewinErrorCode.ioFailed);
    expect(error.message).toContain("cannot create output folder /proc/nope");
  });

  it("creates each missing ancestor of the output folder under -q", async () => {
    const { root, source } = sourceWith({});
    const result = await packFolder({
      sourceFolder: source,
      setupFile: "setup.cmd",
      outputFolder: join(root, "a", "b", "c"),
      overwrite: true,
    });
    expect(result.outputPath).toBe(join(root, "a", "b", "c", "setup.intunewin"));
    expect(existsSync(result.outputPath)).toBe(true);
  });

  it("an output path under a file names the file that is not a folder", async () => {
    const { root, source } = sourceWith({});
    writeFileSync(join(root, "plain"), "x");
    const error = await rejection(
      packFolder({
        sourceFolder: source,
        setupFile: "setup.cmd",
        outputFolder: join(root, "plain", "new"),
        overwrite: true,
      }),
    );
    expect(error.code).toBe(IntunewinErrorCode.outputFolderMissing);
    expect(error.message).toContain(`${join(root, "plain")} is not a folder`);
  });

  it.each([
    ["colon:name.txt"],
    ["back\\slash.txt"],
    ["star*.txt"],
    ["question?.txt"],
    ['quote".txt'],
    ["angle<.txt"],
    ["angle>.txt"],
    ["pipe|.txt"],
    ["control\u0001.txt"],
    ["trailing-dot."],
    ["trailing-space "],
    ["CON"],
    ["nul.txt"],
    ["Com1.log"],
    ["lpt9"],
    ["aux.tar.gz"],
  ])("refuses a source name Windows cannot hold: %j", async (name) => {
    const { root, source } = sourceWith({ [`sub/${name}`]: "x" });
    const output = join(root, "out");
    const error = await rejection(
      packFolder({ sourceFolder: source, setupFile: "setup.cmd", outputFolder: output, overwrite: true }),
    );
    expect(error.code).toBe(IntunewinErrorCode.sourceNameInvalid);
    expect(error.message).toContain(`sub/${name}`);
    // Refused before anything is written: -q did not even create the output folder.
    expect(existsSync(output)).toBe(false);
  });

  it("refuses paths that differ only in case, files and folders alike", async () => {
    const { root, source } = sourceWith({ "Readme.txt": "a", "README.TXT": "b", "Dir/x": "c", "DIR/y": "d" });
    const error = await rejection(
      packFolder({
        sourceFolder: source,
        setupFile: "setup.cmd",
        outputFolder: join(root, "out"),
        overwrite: true,
      }),
    );
    expect(error.code).toBe(IntunewinErrorCode.sourceNameInvalid);
    expect(error.message).toMatch(/^2 source names/);
    expect(error.message).toContain("(differ only in case)");
    expect(error.message).toMatch(/DIR and Dir|Dir and DIR/);
    expect(error.message).toMatch(/README\.TXT and Readme\.txt|Readme\.txt and README\.TXT/);
  });

  it("lists the first five offending paths and counts the rest in one error", async () => {
    const tree: Record<string, string> = {};
    for (let index = 0; index < 8; index += 1) tree[`bad${index}:.txt`] = "x";
    const { root, source } = sourceWith(tree);
    const error = await rejection(
      packFolder({
        sourceFolder: source,
        setupFile: "setup.cmd",
        outputFolder: join(root, "out"),
        overwrite: true,
      }),
    );
    expect(error.code).toBe(IntunewinErrorCode.sourceNameInvalid);
    expect(error.message).toMatch(/^8 source names /);
    expect(error.message.match(/bad\d:\.txt/g)).toHaveLength(5);
    expect(error.message).toMatch(/; and 3 more$/);
  });

  it("packs names that only look close to the rules, and unpack accepts them", async () => {
    const names = [
      "con-file.txt",
      "COM10.txt",
      "a.b.c",
      " leading space.txt",
      "Aux Files/notes.md",
      "dots..x",
    ];
    const { root, source } = sourceWith(Object.fromEntries(names.map((name) => [name, name])));
    const result = await packFolder({
      sourceFolder: source,
      setupFile: "setup.cmd",
      outputFolder: join(root, "out"),
      overwrite: true,
    });
    const unpacked = await unpackPackage(result.outputPath, join(root, "unpacked"));
    expect(unpacked.entries.map((entry) => entry.path).sort()).toEqual([...names, "setup.cmd"].sort());
  });

  it("takes a setup path with Windows separators and writes SetupFile with them", async () => {
    const { root, source } = sourceWith({ "Files/sub/setup.exe": "MZ" });
    const result = await packFolder({
      sourceFolder: source,
      setupFile: "Files\\sub\\setup.exe",
      outputFolder: join(root, "out"),
      overwrite: true,
    });
    expect(result.outputPath).toBe(join(root, "out", "setup.intunewin"));
    expect(result.detection.SetupFile).toBe("Files\\sub\\setup.exe");
  });

  it("says a -c that is a file is not a folder", async () => {
    const { root, source } = sourceWith({});
    const error = await rejection(
      packFolder({
        sourceFolder: join(source, "setup.cmd"),
        setupFile: "setup.cmd",
        outputFolder: join(root, "out"),
        overwrite: true,
      }),
    );
    expect(error.code).toBe(IntunewinErrorCode.sourceFolderInvalid);
    expect(error.message).toContain("is a file, not a folder");
    expect(error.message).not.toContain("does not exist");
  });

  it("a central directory spanning several blocks (over 1 MiB of headers) unpacks entry for entry", async () => {
    const tree: Record<string, string> = {};
    // 6,000 names of ~200 characters: about 1.5 MB of central directory headers.
    for (let index = 0; index < 6000; index += 1)
      tree[`d${index % 7}/${"n".repeat(190)}-${index}.txt`] = `${index}`;
    const { root, source } = sourceWith(tree);
    const result = await packFolder({
      sourceFolder: source,
      setupFile: "setup.cmd",
      outputFolder: join(root, "out"),
      overwrite: true,
    });
    const unpacked = await unpackPackage(result.outputPath, join(root, "unpacked"));
    expect(unpacked.entries).toHaveLength(6001);
    expect(unpacked.entries.map((entry) => entry.path).sort()).toEqual(
      [...Object.keys(tree), "setup.cmd"].sort(),
    );
  }, 60_000);

  it("an AbortSignal stops the pack mid-way and removes the temporary file", async () => {
    const tree: Record<string, Buffer> = {};
    for (let index = 0; index < 4; index += 1) tree[`part-${index}.bin`] = randomBytes(4 << 20);
    const { root, source } = sourceWith(tree);
    const output = join(root, "out");
    const controller = new AbortController();
    let progressCalls = 0;
    const error = await rejection(
      packFolder({
        sourceFolder: source,
        setupFile: "setup.cmd",
        outputFolder: output,
        overwrite: true,
        signal: controller.signal,
        onProgress: () => {
          progressCalls += 1;
          if (progressCalls === 2) controller.abort(new Error("test stop"));
        },
      }),
    );
    expect(error.code).toBe(IntunewinErrorCode.aborted);
    expect(error.message).toContain("test stop");
    expect(readdirSync(output)).toEqual([]);
  });

  it("an already aborted signal writes nothing at all", async () => {
    const { root, source } = sourceWith({});
    const output = join(root, "out");
    const error = await rejection(
      packFolder({
        sourceFolder: source,
        setupFile: "setup.cmd",
        outputFolder: output,
        overwrite: true,
        signal: AbortSignal.abort(),
      }),
    );
    expect(error.code).toBe(IntunewinErrorCode.aborted);
    expect(existsSync(output)).toBe(false);
  });
});
