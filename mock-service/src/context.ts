import type { FastifyRequest } from "fastify";
import type { FaultInjector } from "./faults/injector.ts";
import type { CommitGate } from "./graph/commit-gate.ts";
import { signUrlParts, verifyUrlParts } from "./http/url-signature.ts";
import type { TokenIssuer } from "./identity/token-issuer.ts";
import type { ResolvedOptions } from "./options.ts";
import type { CertificateAuthority, KeyedCertificate } from "./pki/authority.ts";
import type { Store } from "./store/store.ts";

/** Everything route plugins share: options, the store, the token issuer, the CA and the fault plan. */
export interface ServiceContext {
  readonly options: ResolvedOptions;
  readonly store: Store;
  readonly tokens: TokenIssuer;
  readonly authority: CertificateAuthority;
  /** The key that signs content-download URLs (an HMAC secret kept with the other keys). */
  readonly urlSigningKey: Buffer;
  readonly faults: FaultInjector;
  /** Which content files are being committed (their blobs are frozen meanwhile). */
  readonly commits: CommitGate;
  /** The TLS certificate and key when serving HTTPS. */
  readonly tlsCertificate: KeyedCertificate | undefined;
}

/** The absolute base URL a client reached this request at (graph-win32.md §6: absolute, reachable URLs). */
export function baseUrlOf(context: ServiceContext, request: FastifyRequest): string {
  if (context.options.publicBaseUrl !== undefined) return context.options.publicBaseUrl.replace(/\/+$/, "");
  const inner = innerRequestBase(context, request);
  if (inner !== undefined) return inner;
  return `${request.protocol}://${request.host}`;
}

/** Header that carries the outer request's base URL into the requests a `$batch` runs in-process. */
export const innerBaseHeader = "imesim-inner-base";

/** The header value that hands `base` to an in-process request, signed so no client can set it. */
export function innerBaseValue(context: ServiceContext, base: string): string {
  return `${base} ${signUrlParts(context.urlSigningKey, ["inner-base", base])}`;
}

// An in-process request has no TLS socket of its own, so the base URL the client used comes with it.
function innerRequestBase(context: ServiceContext, request: FastifyRequest): string | undefined {
  const value = request.headers[innerBaseHeader];
  if (typeof value !== "string") return undefined;
  const [base = "", signature] = value.split(" ");
  return verifyUrlParts(context.urlSigningKey, ["inner-base", base], signature) ? base : undefined;
}
