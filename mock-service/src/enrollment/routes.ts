import { isImesimError } from "@imesim/contracts/errors";
import { SERVICE_DISCOVERY_PATH } from "@imesim/contracts/gateway";
import type { FastifyInstance } from "fastify";
import { baseUrlOf, type ServiceContext } from "../context.ts";
import { injectRequestFaults } from "../faults/apply.ts";
import { sendGraphError } from "../http/graph-error.ts";
import { enrollDevice } from "./enroll-device.ts";
import { EnrollmentLimiter } from "./enrollment-limits.ts";
import { EnrollmentRequest, EnrollmentResponse } from "./schemas.ts";

/** `POST /enrollment/devices`: a device registers and receives its identity and MDM certificate. */
export function enrollmentRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const limiter = new EnrollmentLimiter(context.options.enrollmentsPerMinute, context.options.maxDevices);
    app.post<{ Body: EnrollmentRequest }>(
      "/enrollment/devices",
      { schema: { body: EnrollmentRequest, response: { 201: EnrollmentResponse } } },
      async (request, reply) => {
        if (
          await injectRequestFaults(context.faults, request, reply, { route: "enrollment", method: "POST" })
        ) {
          return reply;
        }
        const refusal = limiter.admit(request.ip, context.store.countDevices(), Date.now());
        if (refusal !== undefined) {
          reply.header("retry-after", String(refusal.retryAfterSeconds));
          return sendGraphError(request, reply, 429, "activityLimitReached", refusal.reason);
        }
        try {
          const { device, privateKeyPem } = await enrollDevice(
            request.body,
            context.store,
            context.authority,
          );
          const base = baseUrlOf(context, request);
          const response: EnrollmentResponse = {
            deviceId: device.id,
            tenantId: context.tokens.tenantId,
            deviceName: device.name,
            osVersion: device.osVersion,
            users: device.users.map((user) => ({ ...user })),
            certificate: device.certificatePem,
            ...(privateKeyPem === undefined ? {} : { privateKey: privateKeyPem }),
            caCertificate: context.authority.root.certificatePem,
            thumbprint: device.thumbprint,
            tokenEndpoint: `${base}/${context.tokens.tenantId}/oauth2/v2.0/token`,
            serviceDiscoveryUrl: `${base}${SERVICE_DISCOVERY_PATH}`,
          };
          return reply.code(201).send(response);
        } catch (error) {
          if (isImesimError(error)) {
            // Contract U: an unknown user is told apart by its own code, so a client can create the user or go on without.
            const code = error.code === "ENROLLMENT_USER_UNKNOWN" ? error.code : "BadRequest";
            return sendGraphError(request, reply, 400, code, error.message);
          }
          throw error;
        }
      },
    );
  };
}
