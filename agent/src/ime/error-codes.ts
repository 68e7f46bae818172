import { ImeErrorCode, toSigned32 } from "@imesim/contracts/enums";

/** 0x87D300C9 as the EnforcementStateMessage stores it (signed 32-bit), the install-timeout error (ime.md §5.1). */
export const INSTALL_TIMEOUT_ERROR_SIGNED = toSigned32(ImeErrorCode.InstallTimeout);
