export type { ServiceContext } from "./context.ts";
export type { FaultEffect, FaultMatch, FaultPlan, FaultRoute, FaultRule } from "./faults/plan.ts";
export { sideCarPrefix } from "./gateway/routes.ts";
export { LISTEN_BACKLOG } from "./http/listen-backlog.ts";
export { jwtBearerAssertionType } from "./identity/device-assertion.ts";
export {
  defaultTenantId,
  graphAudience,
  imeAgentClientId,
  imeResourceId,
} from "./identity/well-known-ids.ts";
export {
  type AdminChannel,
  type ChannelResponse,
  type ImportAppRequest,
  type ImportedApp,
  importApp,
  inProcessChannel,
} from "./import-app.ts";
export type { ServerOptions } from "./options.ts";
export { caCertificatePath } from "./pki/authority.ts";
export { buildServer, type MockIntuneServer } from "./server.ts";
