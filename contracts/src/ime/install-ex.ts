import { type Static, Type } from "typebox";
import { Compile } from "typebox/compile";
import { DeviceRestartBehavior } from "../enums/index.ts";
import { enumSchema, stringifyOrdered } from "../schema/index.ts";
import { decodeNestedJson } from "./nested-json.ts";

/** The `InstallEx` member (JSON text of one object, ime.md §2.6). `RunAs` 1 = System, any other value = User. */
export const InstallExSchema = Type.Object({
  RunAs: Type.Integer(),
  RequiresLogon: Type.Boolean(),
  InstallProgramVisibility: Type.Integer(),
  MaxRetries: Type.Integer({ minimum: 0 }),
  RetryIntervalInMinutes: Type.Integer({ minimum: 0 }),
  MaxRunTimeInMinutes: Type.Integer({ minimum: 1 }),
  DeviceRestartBehavior: enumSchema(DeviceRestartBehavior),
});
export type InstallEx = Static<typeof InstallExSchema>;

const checker = Compile(InstallExSchema);
const ORDER = [
  "RunAs",
  "RequiresLogon",
  "InstallProgramVisibility",
  "MaxRetries",
  "RetryIntervalInMinutes",
  "MaxRunTimeInMinutes",
  "DeviceRestartBehavior",
] as const;

/** Parses the `InstallEx` member text. */
export function decodeInstallEx(text: unknown, path = "InstallEx"): InstallEx {
  return decodeNestedJson(text, checker, "InstallEx", path);
}

/** Serializes install settings into the exact `InstallEx` string. */
export function encodeInstallEx(installEx: InstallEx): string {
  return stringifyOrdered(installEx, ORDER);
}
