/** ReturnCodes[].Type (ime.md §2.7); the names are the words of "lpExitCode is defined as <Name>". */
export const ReturnCodeType = {
  Failed: 0,
  Success: 1,
  SoftReboot: 2,
  HardReboot: 3,
  Retry: 4,
} as const;
export type ReturnCodeType = (typeof ReturnCodeType)[keyof typeof ReturnCodeType];

/** One ReturnCodes entry as the IME receives it. */
export interface ReturnCode {
  ReturnCode: number;
  Type: ReturnCodeType;
}

/** The default return codes the portal and Graph clients create, in their order (ime.md §2.7). */
export const DEFAULT_RETURN_CODES: readonly ReturnCode[] = Object.freeze([
  { ReturnCode: 0, Type: ReturnCodeType.Success },
  { ReturnCode: 1707, Type: ReturnCodeType.Success },
  { ReturnCode: 3010, Type: ReturnCodeType.SoftReboot },
  { ReturnCode: 1641, Type: ReturnCodeType.HardReboot },
  { ReturnCode: 1618, Type: ReturnCodeType.Retry },
]);
