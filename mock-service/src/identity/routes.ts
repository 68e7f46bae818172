import { randomBytes } from "node:crypto";
import formbody from "@fastify/formbody";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { baseUrlOf, type ServiceContext } from "../context.ts";
import { injectRequestFaults } from "../faults/apply.ts";
import type { DeviceUser } from "../store/records.ts";
import { jwtBearerAssertionType, verifyDeviceAssertion } from "./device-assertion.ts";
import { DeviceRefreshTokens } from "./device-renewal.ts";
import { sendOAuthError } from "./oauth-error.ts";
import { namesTenant } from "./tenant-names.ts";
import { adminRoles, graphAppId, graphAudience, imeAgentClientId, imeResourceId } from "./well-known-ids.ts";

type TokenForm = Record<string, string | undefined>;

/** Grant type of the device-code flow's token poll (RFC 8628). */
const deviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";

/**
 * The Entra side (graph-win32.md §5): per-tenant OAuth2 token endpoint (v2 and v1), OpenID
 * configuration, JWKS and MSAL's instance discovery.
 */
export function identityRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(formbody);

    const tenantMatches = (tenant: string): boolean =>
      namesTenant(tenant, context.tokens.tenantId, context.options.tenantDomains);
    // Entra's AADSTS90002; the metadata document calls it invalid_tenant, the token endpoints invalid_request.
    const unknownTenant = (
      reply: FastifyReply,
      tenant: string,
      error: "invalid_tenant" | "invalid_request",
    ): FastifyReply => sendOAuthError(reply, 400, error, 90002, `Tenant '${tenant}' not found.`);

    // The client lock (`--client-id/--client-secret`) holds for every grant: a public client signing in with a
    // device code must be the locked client too (issue 19). The device grant is the IME's own fixed client,
    // proven by the device key instead.
    const clientAdmitted = (clientId: string): boolean =>
      context.options.clientCredentials === undefined ||
      context.options.clientCredentials.some((pair) => pair.clientId === clientId);
    const unknownClient = (reply: FastifyReply, clientId: string): FastifyReply =>
      sendOAuthError(
        reply,
        400,
        "unauthorized_client",
        700016,
        `Application with identifier '${clientId}' was not found in the directory.`,
      );

    app.get("/common/discovery/instance", { schema: { hide: true } }, async (request) => {
      const base = baseUrlOf(context, request);
      const host = new URL(base).host;
      return {
        tenant_discovery_endpoint: `${base}/${context.tokens.tenantId}/v2.0/.well-known/openid-configuration`,
        "api-version": "1.1",
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      };
    });

    const openIdConfiguration = async (
      request: FastifyRequest<{ Params: { tenant: string } }>,
      reply: FastifyReply,
    ) => {
      if (!tenantMatches(request.params.tenant))
        return unknownTenant(reply, request.params.tenant, "invalid_tenant");
      const base = baseUrlOf(context, request);
      const tenant = context.tokens.tenantId;
      return {
        issuer: `${base}/${tenant}/v2.0`,
        authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
        token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
        device_authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/devicecode`,
        jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
        token_endpoint_auth_methods_supported: [
          "client_secret_post",
          "private_key_jwt",
          "client_secret_basic",
        ],
        response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
        response_modes_supported: ["query", "fragment", "form_post"],
        scopes_supported: ["openid", "profile", "email", "offline_access"],
        subject_types_supported: ["pairwise"],
        id_token_signing_alg_values_supported: ["RS256"],
        claims_supported: ["sub", "iss", "aud", "exp", "iat", "nbf", "tid", "oid", "deviceid"],
        tenant_region_scope: "EU",
        cloud_instance_name: new URL(base).host,
        msgraph_host: new URL(base).host,
      };
    };
    app.get("/:tenant/v2.0/.well-known/openid-configuration", openIdConfiguration);
    app.get("/:tenant/.well-known/openid-configuration", openIdConfiguration);

    const keys = async () => ({ keys: [await context.tokens.jwk()] });
    app.get("/:tenant/discovery/v2.0/keys", keys);
    app.get("/:tenant/discovery/keys", keys);
    app.get("/common/discovery/keys", keys);

    // Refresh tokens of the IME's device grant (device-renewal.ts); those of delegated sign-ins are kept apart below.
    const deviceRefreshTokens = new DeviceRefreshTokens();
    const token = async (
      request: FastifyRequest<{ Params: { tenant: string }; Body: TokenForm }>,
      reply: FastifyReply,
      version: "v1" | "v2",
    ) => {
      if (await injectRequestFaults(context.faults, request, reply, { route: "token", method: "POST" }))
        return reply;
      if (!tenantMatches(request.params.tenant))
        return unknownTenant(reply, request.params.tenant, "invalid_request");
      const form = request.body;
      if (form === null || typeof form !== "object") {
        return sendOAuthError(
          reply,
          400,
          "invalid_request",
          900144,
          "The request body must contain the following parameter: 'grant_type'.",
        );
      }
      for (const name of ["grant_type", "client_id"]) {
        if (typeof form[name] !== "string" || form[name] === "") {
          return sendOAuthError(
            reply,
            400,
            "invalid_request",
            900144,
            `The request body must contain the following parameter: '${name}'.`,
          );
        }
      }
      const clientId = form.client_id as string;
      const imeClient = clientId.toLowerCase() === imeAgentClientId;
      // A device renewing the IME's token: its refresh token stands for the device key that earned it.
      const deviceRenewal = imeClient && form.grant_type === "refresh_token";
      const delegated =
        !deviceRenewal && (form.grant_type === deviceCodeGrant || form.grant_type === "refresh_token");
      if (delegated && !clientAdmitted(clientId)) return unknownClient(reply, clientId);
      if (form.grant_type === deviceCodeGrant) return deviceCodeToken(form, clientId, reply);
      if (delegated) return refreshToken(form, clientId, reply);
      if (form.grant_type !== "client_credentials" && !deviceRenewal) {
        return sendOAuthError(
          reply,
          400,
          "unsupported_grant_type",
          70003,
          `The app requested an unsupported grant type '${form.grant_type}'.`,
        );
      }
      const resource = version === "v2" ? resourceOfScope(form.scope) : form.resource;
      if (resource === undefined) {
        const name = version === "v2" ? "scope" : "resource";
        return sendOAuthError(
          reply,
          400,
          "invalid_request",
          900144,
          `The request body must contain the following parameter: '${name}'.`,
        );
      }
      const body = (accessToken: string) => ({
        token_type: "Bearer",
        expires_in: context.tokens.lifetimeSeconds,
        ext_expires_in: context.tokens.lifetimeSeconds,
        access_token: accessToken,
      });
      // The device's token and the refresh token its next renewal uses.
      const deviceTokens = async (deviceId: string, user: DeviceUser | undefined) => ({
        ...body(await context.tokens.issueDeviceToken(deviceId, user)),
        refresh_token: deviceRefreshTokens.issue(deviceId, user?.id.toLowerCase()),
      });

      if (deviceRenewal || form.client_assertion !== undefined || imeClient) {
        if (resource.toLowerCase() !== imeResourceId) {
          return sendOAuthError(
            reply,
            400,
            "invalid_scope",
            500011,
            `The resource principal named ${resource} was not found for a device.`,
          );
        }
        if (deviceRenewal) {
          const identity = deviceRefreshTokens.redeem(form.refresh_token ?? "", context.store);
          if (typeof identity === "string")
            return sendOAuthError(reply, 400, "invalid_grant", 9002313, identity);
          return deviceTokens(identity.device.id, identity.user);
        }
        if (
          form.client_assertion_type !== jwtBearerAssertionType ||
          typeof form.client_assertion !== "string"
        ) {
          return sendOAuthError(
            reply,
            401,
            "invalid_client",
            700027,
            "A device must authenticate with a client assertion signed by its MDM key.",
          );
        }
        const path = `/${request.params.tenant}/oauth2/${version === "v2" ? "v2.0/" : ""}token`;
        const identity = await verifyDeviceAssertion(
          form.client_assertion,
          path,
          context.store,
          context.authority,
        );
        if (typeof identity === "string")
          return sendOAuthError(reply, 401, "invalid_client", 700027, identity);
        return deviceTokens(identity.device.id, identity.user);
      }

      if (![graphAudience, graphAppId].includes(resource.toLowerCase().replace(/\/+$/, ""))) {
        return sendOAuthError(
          reply,
          400,
          "invalid_scope",
          500011,
          `The resource principal named ${resource} was not found in the tenant.`,
        );
      }
      const secret = form.client_secret;
      if (typeof secret !== "string" || secret === "") {
        return sendOAuthError(
          reply,
          401,
          "invalid_client",
          7000218,
          "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        );
      }
      const allowed = context.options.clientCredentials;
      if (
        allowed !== undefined &&
        !allowed.some((pair) => pair.clientId === clientId && pair.clientSecret === secret)
      ) {
        return sendOAuthError(reply, 401, "invalid_client", 7000215, "Invalid client secret provided.");
      }
      return body(await context.tokens.issueAdminToken(clientId, resource.toLowerCase().replace(/\/+$/, "")));
    };
    // Device-code sign-in (graph-win32.md §5.1, IntuneWin32App -DeviceCode). There is no person to
    // approve the code, so the mock treats every code it issued as approved at once.
    const deviceCodes = new Map<string, { clientId: string; scope: string; expiresAt: number }>();
    const deviceCodeToken = async (form: TokenForm, clientId: string, reply: FastifyReply) => {
      const pending = form.device_code === undefined ? undefined : deviceCodes.get(form.device_code);
      if (pending === undefined || pending.clientId !== clientId) {
        return sendOAuthError(reply, 400, "invalid_grant", 70000, "The provided device_code is not valid.");
      }
      deviceCodes.delete(form.device_code as string);
      if (pending.expiresAt < Date.now()) {
        return sendOAuthError(reply, 400, "expired_token", 70020, "The device code has expired.");
      }
      return delegatedTokens(clientId, pending.scope);
    };
    // Refresh tokens of delegated sign-ins, each good for one use (Entra rotates them too).
    const refreshTokens = new Map<string, { clientId: string; scope: string }>();
    const delegatedTokens = async (clientId: string, scope: string) => {
      const refresh = randomBytes(32).toString("base64url");
      if (refreshTokens.size > 10_000) refreshTokens.clear();
      refreshTokens.set(refresh, { clientId, scope });
      return {
        token_type: "Bearer",
        scope,
        expires_in: context.tokens.lifetimeSeconds,
        ext_expires_in: context.tokens.lifetimeSeconds,
        access_token: await context.tokens.issueDelegatedToken(clientId, scope),
        refresh_token: refresh,
      };
    };
    const refreshToken = async (form: TokenForm, clientId: string, reply: FastifyReply) => {
      const known = form.refresh_token === undefined ? undefined : refreshTokens.get(form.refresh_token);
      if (known === undefined || known.clientId !== clientId) {
        return sendOAuthError(
          reply,
          400,
          "invalid_grant",
          9002313,
          "The provided refresh_token is not valid.",
        );
      }
      refreshTokens.delete(form.refresh_token as string);
      return delegatedTokens(clientId, known.scope);
    };
    app.post<{ Params: { tenant: string }; Body: TokenForm }>(
      "/:tenant/oauth2/v2.0/devicecode",
      async (request, reply) => {
        if (!tenantMatches(request.params.tenant))
          return unknownTenant(reply, request.params.tenant, "invalid_request");
        const clientId = request.body?.client_id;
        if (typeof clientId !== "string" || clientId === "") {
          return sendOAuthError(
            reply,
            400,
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'client_id'.",
          );
        }
        if (!clientAdmitted(clientId)) return unknownClient(reply, clientId);
        // Bare scopes name Graph (graph-win32.md §5.1); the resource prefix is dropped in `scp`. `.default`
        // stands for what the admin consented to, which for the mock's tenant is the admin permission set.
        const scope = (request.body.scope ?? "")
          .split(/\s+/)
          .filter((item) => item !== "" && !["openid", "profile", "offline_access"].includes(item))
          .map((item) => item.replace(/^https:\/\/graph\.microsoft\.com\//i, ""))
          .flatMap((item) => (item === ".default" ? [...adminRoles] : [item]))
          .join(" ");
        const deviceCode = randomBytes(32).toString("base64url");
        const userCode = randomBytes(5).toString("hex").toUpperCase().slice(0, 9);
        if (deviceCodes.size > 10_000) deviceCodes.clear();
        deviceCodes.set(deviceCode, { clientId, scope, expiresAt: Date.now() + 900_000 });
        const verification = `${baseUrlOf(context, request)}/devicelogin`;
        return {
          device_code: deviceCode,
          user_code: userCode,
          verification_uri: verification,
          expires_in: 900,
          interval: 1,
          message: `To sign in, use a web browser to open the page ${verification} and enter the code ${userCode} to authenticate. (imesim approves it at once.)`,
        };
      },
    );

    app.post<{ Params: { tenant: string }; Body: TokenForm }>(
      "/:tenant/oauth2/v2.0/token",
      (request, reply) => token(request, reply, "v2"),
    );
    app.post<{ Params: { tenant: string }; Body: TokenForm }>("/:tenant/oauth2/token", (request, reply) =>
      token(request, reply, "v1"),
    );
  };
}

/** The resource of a `<resource>/.default` scope; bare scopes name Graph (graph-win32.md §5.1). */
function resourceOfScope(scope: string | undefined): string | undefined {
  if (scope === undefined || scope.trim() === "") return undefined;
  const first = scope
    .trim()
    .split(/\s+/)
    .find((item) => item.endsWith("/.default"));
  if (first === undefined) return graphAudience;
  return first.slice(0, -"/.default".length);
}
