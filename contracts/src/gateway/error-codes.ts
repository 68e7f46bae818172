/** Stable ImesimError codes of the SideCar gateway codecs. */
export const GatewayContractErrorCode = {
  /** A member has the wrong type or value, or is missing. */
  Invalid: "GATEWAY_INVALID",
  /** A member that must hold JSON text (RequestPayload, ClientInfo, ContentInfo, ...) is not valid JSON. */
  MalformedJson: "GATEWAY_MALFORMED_JSON",
  /** An app-list payload is not base64, too short, or not gzip. */
  PayloadInvalid: "GATEWAY_PAYLOAD_INVALID",
  /** An app-list payload's 4-byte length prefix disagrees with its decompressed content. */
  PayloadLengthMismatch: "GATEWAY_PAYLOAD_LENGTH_MISMATCH",
} as const;
export type GatewayContractErrorCode =
  (typeof GatewayContractErrorCode)[keyof typeof GatewayContractErrorCode];
