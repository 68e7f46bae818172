export { type EnrolledDevice, enrollDevice } from "./enrollment.ts";
export { createDeviceServiceClient, type DeviceChannelOptions } from "./service-client.ts";
export {
  fetchTransport,
  injectTransport,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from "./transport.ts";
