// The msiexec model's cabinet reader (agent/src/host/installer/msiexec/cabinet.ts): stored and MSZIP folders
// are read; LZX and Quantum folders, which real packages built with other tools use (WiX's
// CompressionLevel low/medium/high is LZX), are refused with CAB_COMPRESSION_UNSUPPORTED naming the method,
// so a package is never installed with made-up file contents.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { extractCabinet } from "../../src/host/installer/msiexec/cabinet.ts";
import { CACHE, newDevice, runLine } from "./device.ts";

const DEMO = readFileSync(new URL("../fixtures/installer/demo-x64.msi", import.meta.url));

/** demo-x64.msi with its embedded cabinet's folder marked as compressed by `typeCompress`. */
function withCompression(typeCompress: number): Buffer {
  const copy = Buffer.from(DEMO);
  const cabinet = copy.indexOf("MSCF");
  // CFHEADER is 36 bytes (wixl writes no reserve); CFFOLDER.typeCompress is at offset 6 of the first folder.
  copy.writeUInt16LE(typeCompress, cabinet + 36 + 6);
  return copy;
}

describe("msiexec model: cabinet compression", () => {
  it("reads the MSZIP cabinet wixl (gcab) writes", () => {
    const cabinet = DEMO.subarray(DEMO.indexOf("MSCF"));
    expect(cabinet.readUInt16LE(36 + 6) & 0x0f).toBe(1);
    expect(Buffer.from(extractCabinet(cabinet).get("AppTxt") ?? []).toString()).toBe("Demo App payload\r\n");
  });

  it.each([
    ["LZX:21", 0x1503, /LZX \(window 2\^21\)/],
    ["LZX:15", 0x0f03, /LZX \(window 2\^15\)/],
    ["Quantum", 0x0a02, /Quantum/],
  ])("refuses a %s cabinet folder by name", (_name, typeCompress, method) => {
    const cabinet = withCompression(typeCompress).subarray(DEMO.indexOf("MSCF"));
    expect(() => extractCabinet(cabinet)).toThrow(
      expect.objectContaining({
        code: "CAB_COMPRESSION_UNSUPPORTED",
        message: expect.stringMatching(method),
      }),
    );
  });

  it("an install of an LZX package fails with that message (as cmd reports a device error) and installs nothing", async () => {
    const device = newDevice();
    device.fs.writeFile(`${CACHE}\\lzx.msi`, withCompression(0x1503));
    const run = await runLine('msiexec /i "lzx.msi" /qn', { device });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(
      /cabinet folder 0 is compressed with LZX \(window 2\^21\); imesim's msiexec model reads only/,
    );
    expect(device.fs.stat("C:\\Program Files\\Demo App\\app.txt")).toBeUndefined();
  });
});
