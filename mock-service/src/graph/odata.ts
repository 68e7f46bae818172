import { ImesimError } from "@imesim/contracts/errors";
import type { FastifyReply, FastifyRequest } from "fastify";
import { baseUrlOf, type ServiceContext } from "../context.ts";
import { graphJsonType } from "../http/graph-error.ts";
import { v1ViewFor } from "./graph-version.ts";
import { parseFilter } from "./odata-filter.ts";

/** The Graph version segment a request came in under (`beta` or `v1.0`), as the mock spells it. */
export function versionOf(request: FastifyRequest): "beta" | "v1.0" {
  return request.url.toLowerCase().startsWith("/v1.0") ? "v1.0" : "beta";
}

/** `<base>/<version>`: the service root for building absolute links. */
export function serviceRoot(context: ServiceContext, request: FastifyRequest): string {
  return `${baseUrlOf(context, request)}/${versionOf(request)}`;
}

/** `@odata.context` for `fragment` (graph-win32.md §6 `@odata.context`). */
export function contextUrl(context: ServiceContext, request: FastifyRequest, fragment: string): string {
  return `${serviceRoot(context, request)}/$metadata#${fragment}`;
}

/** Sends one entity with its `@odata.context`. */
export function sendEntity(
  context: ServiceContext,
  request: FastifyRequest,
  reply: FastifyReply,
  fragment: string,
  entity: Record<string, unknown>,
  status = 200,
): FastifyReply {
  const selected = applySelect(request, inVersion(request, fragment)(entity));
  return reply
    .code(status)
    .header("content-type", graphJsonType)
    .send({ "@odata.context": contextUrl(context, request, fragment), ...selected });
}

type CollectionQuery = Partial<
  Record<"$filter" | "$select" | "$top" | "$skip" | "$skiptoken" | "$count" | "$orderby", string>
>;

/**
 * Sends a collection with the OData query options applied: `$filter`, `$orderby`, `$count`,
 * `$top`/`$skip`, paging with an opaque `$skiptoken` in an absolute `@odata.nextLink` that keeps
 * the other options whenever a page is cut (at the service's page size or a smaller `$top`), and
 * `$select` (graph-win32.md §6). An empty result always carries
 * `@odata.count: 0`, IntuneWin32App's empty-collection quirk.
 */
export function sendCollection(
  context: ServiceContext,
  request: FastifyRequest,
  reply: FastifyReply,
  fragment: string,
  items: readonly Record<string, unknown>[],
): FastifyReply {
  const query = request.query as CollectionQuery;
  const view = inVersion(request, fragment);
  let results = items.map(view);
  if (query.$filter !== undefined && query.$filter.trim() !== "") {
    const predicate = parseFilter(query.$filter);
    results = results.filter(predicate);
  }
  if (query.$orderby !== undefined) {
    const [field = "", direction = "asc"] = query.$orderby.trim().split(/\s+/);
    const sign = direction.toLowerCase() === "desc" ? -1 : 1;
    results.sort((a, b) => sign * String(a[field] ?? "").localeCompare(String(b[field] ?? "")));
  }
  const total = results.length;
  const skip = nonNegative(query.$skip, "$skip") ?? 0;
  const offset = skip + (query.$skiptoken === undefined ? 0 : decodeSkipToken(query.$skiptoken));
  const top = nonNegative(query.$top, "$top");
  const pageSize = Math.min(top ?? context.options.pageSize, context.options.pageSize);
  const page = results.slice(offset, offset + pageSize);
  // Graph cuts a page at $top as at its own page size, and links the rest (graph-win32.md §6 Paging):
  // $top sets the page size, not the total.
  const remaining = total - offset - page.length;
  const body: Record<string, unknown> = { "@odata.context": contextUrl(context, request, fragment) };
  if (query.$count?.toLowerCase() === "true" || total === 0) body["@odata.count"] = total;
  if (remaining > 0) body["@odata.nextLink"] = nextLink(context, request, offset + page.length - skip, top);
  body.value = page.map((item) => applySelect(request, item));
  return reply.header("content-type", graphJsonType).send(body);
}

function nextLink(
  context: ServiceContext,
  request: FastifyRequest,
  consumed: number,
  top: number | undefined,
): string {
  const url = new URL(request.url, baseUrlOf(context, request));
  url.searchParams.set("$skiptoken", Buffer.from(`offset:${consumed}`).toString("base64url"));
  if (top !== undefined) url.searchParams.set("$top", String(top));
  // Graph writes the option names with a literal `$`; URLSearchParams would escape it as %24.
  return `${baseUrlOf(context, request)}${url.pathname}${url.search.replaceAll("%24", "$")}`;
}

function decodeSkipToken(token: string): number {
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  if (match === null)
    throw new ImesimError("ODATA_SKIPTOKEN_INVALID", "The $skiptoken is not one this service issued.", {
      path: "$skiptoken",
    });
  return Number(match[1]);
}

function nonNegative(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw new ImesimError("ODATA_QUERY_INVALID", `${name} must be a non-negative integer.`, { path: name });
  return Number(value);
}

// Entities as the request's version shows them: v1.0 leaves out what only beta has (graph-version.ts).
function inVersion(
  request: FastifyRequest,
  fragment: string,
): (entity: Record<string, unknown>) => Record<string, unknown> {
  return (versionOf(request) === "v1.0" ? v1ViewFor(fragment) : undefined) ?? ((entity) => entity);
}

function applySelect(request: FastifyRequest, entity: Record<string, unknown>): Record<string, unknown> {
  const select = (request.query as CollectionQuery).$select;
  if (select === undefined || select.trim() === "") return entity;
  const wanted = new Set(select.split(",").map((name) => name.trim().toLowerCase()));
  // id and @odata.type always stay: clients choose the type by it (graph-win32.md §6 $select).
  return Object.fromEntries(
    Object.entries(entity).filter(
      ([key]) => key === "id" || key.startsWith("@odata.") || wanted.has(key.toLowerCase()),
    ),
  );
}

/** True when `value` names the Graph type `typeName` (e.g. `win32LobApp`), compared without case. */
export function isODataType(value: unknown, typeName: string): boolean {
  return (
    typeof value === "string" &&
    value.replace(/^#/, "").toLowerCase() === `microsoft.graph.${typeName}`.toLowerCase()
  );
}
