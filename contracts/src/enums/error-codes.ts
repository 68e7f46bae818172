/** IME error codes worth reproducing (ime.md §5.5), as unsigned 32-bit numbers. */
export const ImeErrorCode = {
  AppNotDetectedAfterInstall: 0x87d1041c,
  ContentInfoOrDownloadFailed: 0x87d30065,
  ErrorDownloadingContent: 0x87d30067,
  CdnDownloadTimeout: 0x87d3006a,
  InstallTimeout: 0x87d300c9,
  UserLoggedOffDuringInstall: 0x87d300cd,
  UnknownWin32AppError: 0x87d30000,
  UnsupportedDetectionRule: 0x87d30004,
  AccessDenied: 0x80070005,
  MsiFatalError: 0x80070643,
} as const;
export type ImeErrorCode = (typeof ImeErrorCode)[keyof typeof ImeErrorCode];
