import { jsonMemberCodec } from "../schema/index.ts";
import { GatewayContractErrorCode } from "./error-codes.ts";

/** Gateway members (RequestPayload, ClientInfo, ContentInfo, ...) given as JSON text, and already-parsed ones. */
const gatewayMember = jsonMemberCodec({
  malformed: GatewayContractErrorCode.MalformedJson,
  invalid: GatewayContractErrorCode.Invalid,
});

export const decodeJsonMember = gatewayMember.decode;
export const checkGatewayValue = gatewayMember.check;
