import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import swagger from "@fastify/swagger";
import { ImesimError, isImesimError } from "@imesim/contracts/errors";
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";
import { adminRoutes } from "./admin/routes.ts";
import { contentRoutes } from "./content/routes.ts";
import type { ServiceContext } from "./context.ts";
import { enrollmentRoutes } from "./enrollment/routes.ts";
import { FaultInjector } from "./faults/injector.ts";
import { gatewayRoutes } from "./gateway/routes.ts";
import { blobReadRoutes } from "./graph/blob-read-routes.ts";
import { blobRoutes } from "./graph/blob-routes.ts";
import { CommitGate } from "./graph/commit-gate.ts";
import { graphRoutes } from "./graph/routes.ts";
import { healthRoutes } from "./health/routes.ts";
import { graphErrorBody, requestIdOf, sendGraphError } from "./http/graph-error.ts";
import { jsonDepthExceeds } from "./http/json-depth.ts";
import { normalizeUrl } from "./http/normalize-url.ts";
import { logEachRequest, loggerOptions } from "./http/request-log.ts";
import { identityRoutes } from "./identity/routes.ts";
import { resolveTenantDomains } from "./identity/tenant-names.ts";
import { TokenIssuer } from "./identity/token-issuer.ts";
import { defaultTenantId } from "./identity/well-known-ids.ts";
import type { ResolvedOptions, ServerOptions } from "./options.ts";
import { CertificateAuthority, type KeyedCertificate } from "./pki/authority.ts";
import { x509 } from "./pki/x509.ts";
import { Store } from "./store/store.ts";

/** The mock Intune service: a Fastify instance with the service's state attached as `intune`. */
export type MockIntuneServer = FastifyInstance & { readonly intune: ServiceContext };

/**
 * Deepest JSON nesting a body may have: parsing, validating and normalising recurse, so a 5,000-level body
 * would overflow the stack (a 500); Graph bodies nest a handful of levels.
 */
const maxJsonDepth = 64;

/** Largest JSON body a Graph, token or gateway route accepts; larger bodies get 413. */
const jsonBodyLimit = 4 * 1024 * 1024;

/**
 * Builds the mock Intune service (not yet listening: call `listen`, or `inject` in tests).
 * Keys, certificates, the database, content and the fault plan live in `options.dataDir` and survive restarts.
 */
export async function buildServer(options: ServerOptions): Promise<MockIntuneServer> {
  const resolved = resolveOptions(options);
  // Checked before anything is written, so a bad plan leaves no half-made data folder.
  const faults = new FaultInjector(resolved.faults);
  ensurePrivateFolder(resolved.dataDir);
  const store = new Store(resolved.dataDir, { ephemeral: resolved.ephemeral });
  // A plan given to this start wins; without one, a restart picks up the plan and counters it left.
  faults.keepIn(store, options.faults === undefined);
  const authority = await CertificateAuthority.open(resolved.dataDir);
  const signing = await authority.loadOrIssue(resolved.dataDir, "token-signing", (publicKey) =>
    authority.issue({
      subject: "CN=imesim token signing",
      publicKey,
      validDays: 3650,
      usages: x509.KeyUsageFlags.digitalSignature,
      extendedUsages: [],
    }),
  );
  const tlsCertificate = resolved.tls ? await loadTlsCertificate(authority, resolved) : undefined;
  const context: ServiceContext = {
    options: resolved,
    store,
    tokens: new TokenIssuer(signing, resolved.tenantId, resolved.tokenLifetimeSeconds),
    authority,
    urlSigningKey: loadOrCreateSecret(join(resolved.dataDir, "pki", "url-signing.key")),
    faults,
    commits: new CommitGate(),
    tlsCertificate,
  };

  const app = Fastify({
    ...loggerOptions(resolved.logger),
    bodyLimit: jsonBodyLimit,
    // Stopping ends every connection, busy ones too: a client that never read a response body (a test's
    // fetch, a stalled download) must not keep `close()`, Ctrl-C or a container stop waiting forever.
    forceCloseConnections: true,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
    rewriteUrl: (request) => normalizeUrl(request.url ?? "/"),
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    ...(tlsCertificate === undefined
      ? {}
      : {
          https: {
            key: tlsCertificate.privateKeyPem,
            cert: `${tlsCertificate.certificatePem.trimEnd()}\n${authority.root.certificatePem.trimEnd()}\n`,
            // Mutual TLS for the device channel (ime.md §3.1–3.2): every client is asked for a certificate
            // issued by this CA, but none is required here, since enrollment, tokens, Graph and content
            // come without one. The device-channel routes check it (http/client-certificate.ts).
            requestCert: true,
            rejectUnauthorized: false,
            ca: authority.root.certificatePem,
          },
        }),
  }) as unknown as FastifyInstance;

  await app.register(swagger, {
    openapi: {
      info: {
        title: "imesim mock Intune service",
        version: "0.1.0",
        description: "Entra tokens, enrollment, the SideCar gateway, content and a Graph admin API.",
      },
    },
  });
  registerJsonParser(app);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    sendGraphError(
      request,
      reply,
      404,
      "itemNotFound",
      `No resource at ${request.method} ${request.url.split("?")[0]}.`,
    ),
  );
  // A callback hook, not an async one: it runs on every response, check-ins included.
  app.addHook("onSend", (request, reply, payload, done) => {
    reply.header("request-id", requestIdOf(request));
    const clientRequestId = request.headers["client-request-id"];
    if (typeof clientRequestId === "string") reply.header("client-request-id", clientRequestId);
    done(null, payload);
  });

  if (resolved.logger !== false) logEachRequest(app);
  await app.register(identityRoutes(context));
  await app.register(enrollmentRoutes(context));
  await app.register(gatewayRoutes(context));
  await app.register(contentRoutes(context));
  await app.register(blobRoutes(context));
  await app.register(blobReadRoutes(context));
  await app.register(graphRoutes(context, "beta"), { prefix: "/beta" });
  await app.register(graphRoutes(context, "v1.0"), { prefix: "/v1.0" });
  await app.register(adminRoutes(context));
  await app.register(healthRoutes(context));
  app.addHook("onClose", async () => store.close());

  app.decorate("intune", context);
  return app as MockIntuneServer;
}

function resolveOptions(options: ServerOptions): ResolvedOptions {
  return {
    dataDir: options.dataDir,
    ephemeral: options.ephemeral ?? false,
    tenantId: (options.tenantId ?? defaultTenantId).toLowerCase(),
    tenantDomains: resolveTenantDomains(options.tenantDomains),
    publicBaseUrl: options.publicBaseUrl,
    clientCredentials: options.clientCredentials,
    tls: options.tls ?? false,
    tlsHostnames: options.tlsHostnames ?? [],
    logger: options.logger ?? false,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3599,
    checkinIntervalMinutes: options.checkinIntervalMinutes ?? 60,
    pendingPolls: options.pendingPolls ?? 0,
    lenientCommit: options.lenientCommit ?? false,
    downloadBytesPerSecond: options.downloadBytesPerSecond ?? 0,
    pageSize: options.pageSize ?? 100,
    enrollmentsPerMinute: nonNegative(options.enrollmentsPerMinute ?? 1200, "enrollmentsPerMinute"),
    maxDevices: nonNegative(options.maxDevices ?? 100_000, "maxDevices"),
    faults: options.faults ?? { rules: [] },
    ...adminAccessOf(options),
  };
}

/** A limit option: a whole number, 0 or more (0 turns the limit off). */
function nonNegative(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0)
    throw new ImesimError("OPTION_INVALID", `${name} must be a whole number, 0 or more (got ${value}).`, {
      path: name,
    });
  return value;
}

/** The admin plane's token: the one given, a random one, or none when explicitly insecure (contract A). */
function adminAccessOf(options: ServerOptions): { adminToken: string | undefined; insecureAdmin: boolean } {
  if (options.insecureAdmin === true) {
    if (options.adminToken !== undefined)
      throw new ImesimError("ADMIN_OPTIONS_CONFLICT", "adminToken and insecureAdmin exclude each other.", {
        path: "adminToken",
      });
    return { adminToken: undefined, insecureAdmin: true };
  }
  if (options.adminToken !== undefined && options.adminToken.length < 16)
    throw new ImesimError(
      "ADMIN_TOKEN_TOO_SHORT",
      `The admin token must be at least 16 characters (got ${options.adminToken.length}).`,
      { path: "adminToken" },
    );
  return { adminToken: options.adminToken ?? randomBytes(24).toString("base64url"), insecureAdmin: false };
}

async function loadTlsCertificate(
  authority: CertificateAuthority,
  options: ResolvedOptions,
): Promise<KeyedCertificate> {
  const hostnames = ["localhost", ...options.tlsHostnames];
  // The name set is part of the file name, so asking for other host names issues a new certificate.
  const name = `tls-${Buffer.from(hostnames.join(",")).toString("base64url").slice(0, 40)}`;
  return authority.loadOrIssue(options.dataDir, name, (publicKey) =>
    authority.issue({
      subject: "CN=localhost",
      publicKey,
      validDays: 365,
      usages: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      extendedUsages: [x509.ExtendedKeyUsage.serverAuth],
      dnsNames: hostnames,
      ipAddresses: ["127.0.0.1", "::1"],
    }),
  );
}

/**
 * The data folder holds keys (SQLite, pki/): made 0700, and an existing one of ours that already holds this
 * service's database is narrowed to 0700. Any other existing folder (a user's `-d .`) keeps its mode: its files
 * are 0600. A folder someone else owns (a bind mount made by root for a container's unprivileged user) is
 * theirs to set: chmod would fail with EPERM and stop a restart on the same volume.
 */
function ensurePrivateFolder(dataDir: string): void {
  if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  else if (existsSync(join(dataDir, "imesim.sqlite")) && ownedByThisProcess(dataDir))
    chmodSync(dataDir, 0o700);
}

function ownedByThisProcess(path: string): boolean {
  return process.getuid === undefined || statSync(path).uid === process.getuid();
}

function loadOrCreateSecret(path: string): Buffer {
  if (existsSync(path)) return readFileSync(path);
  const secret = randomBytes(32);
  writeFileSync(path, secret, { mode: 0o600 });
  return secret;
}

/**
 * JSON bodies: an empty body is `{}` (an old sample POSTs renewUpload that way), and a body that
 * is not valid UTF-8 is read as Latin-1, as Windows PowerShell 5.1 sends it (graph-win32.md §1.10, §6).
 */
function registerJsonParser(app: FastifyInstance): void {
  // One decoder for every body: a non-streaming decode() starts afresh each call, a failed one included.
  const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (_request, body: Buffer, done) => {
    if (body.length === 0) {
      done(null, {});
      return;
    }
    let text: string;
    try {
      text = strictUtf8.decode(body);
    } catch {
      text = body.toString("latin1");
    }
    if (jsonDepthExceeds(text, maxJsonDepth)) {
      const error = new Error(`The request body nests deeper than ${maxJsonDepth} levels.`) as FastifyError;
      error.statusCode = 400;
      done(error, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      const error = new Error("The request body is not valid JSON.") as FastifyError;
      error.statusCode = 400;
      done(error, undefined);
    }
  });
}

function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.validation !== undefined) {
    const first = error.validation[0];
    const member = first === undefined ? "" : `${error.validationContext ?? "body"}${first.instancePath}`;
    const missing = first?.keyword === "required" ? `/${String(first.params.missingProperty)}` : "";
    const message = `Invalid value for '${member}${missing}': ${first?.message ?? "invalid"}.`;
    return reply.code(400).send(graphErrorBody(request, "ModelValidationFailure", message));
  }
  if (isImesimError(error)) {
    const member = error.path === undefined || error.path === "" ? "" : ` (member '${error.path}')`;
    return sendGraphError(request, reply, 400, graphCodeFor(error.code), `${error.message}${member}`);
  }
  const status = error.statusCode ?? 500;
  if (status === 413)
    return sendGraphError(request, reply, 413, "RequestEntityTooLarge", "The request body is too large.");
  if (status >= 400 && status < 500)
    return sendGraphError(request, reply, status, "BadRequest", error.message);
  request.log.error(error);
  return sendGraphError(request, reply, 500, "generalException", "An internal error occurred.");
}

// Graph reports model errors as ModelValidationFailure and query errors as invalidRequest (graph-win32.md §6).
function graphCodeFor(code: string): string {
  if (code.startsWith("GRAPH_")) return "ModelValidationFailure";
  if (code.startsWith("ODATA_")) return "invalidRequest";
  return "BadRequest";
}
