// Child process of sqlite-crash.test.ts: commits transactions on a SQLite device as fast as it can, printing
// the number of each after it commits, until it is killed.
import { createDevice } from "../../src/host/index.ts";

const [sqlitePath] = process.argv.slice(2);
if (sqlitePath === undefined) throw new Error("usage: crash-writer.ts <sqlitePath>");
const device = createDevice({ backend: { sqlitePath }, clock: { now: () => Date.now() } });
const VALUES_PER_TRANSACTION = 20;

for (let n = 1; ; n += 1) {
  device.transaction(() => {
    for (let v = 0; v < VALUES_PER_TRANSACTION; v += 1) {
      device.registry.setValue(`HKLM\\SOFTWARE\\Burst\\${n}`, `v${v}`, { type: "REG_DWORD", data: n });
    }
    device.fs.writeFile(`C:\\Burst\\${n}.txt`, `transaction ${n}`);
    device.registry.setValue("HKLM\\SOFTWARE\\Burst", "Last", { type: "REG_DWORD", data: n });
  });
  process.stdout.write(`${n}\n`);
}
