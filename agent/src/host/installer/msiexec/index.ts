import type { Host, ProcessContext } from "../../types.ts";
import type { ProgramResult } from "../cmd/program.ts";
export interface MsiexecRequest {
  readonly args: string;
  readonly workingDirectory: string;
  readonly context: ProcessContext;
}
export function runMsiexec(_request: MsiexecRequest, _host: Host): ProgramResult {
  return { exitCode: 1603 };
}
