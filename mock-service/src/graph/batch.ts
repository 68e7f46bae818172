/** Most requests one JSON batch may hold (Graph's documented limit, which the Graph JS client enforces too). */
export const batchRequestLimit = 20;

/** One request of a JSON batch, checked. */
export interface BatchStep {
  readonly id: string;
  readonly method: string;
  /** The path under the batch's version, starting with `/`, query included. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly dependsOn: readonly string[];
}

/** One answer of a JSON batch, as Graph writes it. */
export interface BatchAnswer {
  readonly id: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

const methods = ["GET", "POST", "PATCH", "PUT", "DELETE"];

/**
 * Checks a `$batch` body (`{requests:[{id, method, url, headers?, body?, dependsOn?}]}`) and returns its
 * steps in the order they run, or the message of Graph's 400 naming what is wrong. A url may carry the
 * version (`/v1.0/…`), as the Graph JS client's BatchRequestContent writes an absolute URL's path; the
 * version segment is dropped so every step runs under the batch's own version.
 */
export function parseBatch(body: unknown): BatchStep[] | string {
  const requests = (body as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests)) return "Invalid batch payload format: 'requests' must be an array.";
  if (requests.length === 0) return "Invalid batch payload format: 'requests' is empty.";
  if (requests.length > batchRequestLimit)
    return `The number of batch requests, ${requests.length}, exceeds the limit of ${batchRequestLimit}.`;
  const steps: BatchStep[] = [];
  for (const [index, entry] of requests.entries()) {
    const request = entry as Record<string, unknown> | null;
    const where = `requests[${index}]`;
    if (request === null || typeof request !== "object") return `${where} must be an object.`;
    const { id, method, url, headers, dependsOn } = request;
    if (typeof id !== "string" || id === "") return `${where}.id must be a non-empty string.`;
    if (steps.some((step) => step.id === id)) return `Request id '${id}' is used more than once.`;
    if (typeof method !== "string" || !methods.includes(method.toUpperCase()))
      return `${where}.method must be one of ${methods.join(", ")}.`;
    if (typeof url !== "string" || url === "" || /^[a-z]+:\/\//i.test(url))
      return `${where}.url must be a path relative to the version, such as /deviceAppManagement/mobileApps.`;
    if (/^\/?(?:(?:v1\.0|beta)\/)?\$batch/i.test(url))
      return `${where}.url: a batch cannot hold another batch.`;
    if (headers !== undefined && (headers === null || typeof headers !== "object"))
      return `${where}.headers must be an object.`;
    const depends = dependsOn === undefined ? [] : dependsOn;
    if (!Array.isArray(depends) || depends.some((item) => typeof item !== "string"))
      return `${where}.dependsOn must be an array of request ids.`;
    for (const dependency of depends as string[]) {
      // Answering in array order, a dependency must come earlier (Graph's own rule for sequencing).
      if (!steps.some((step) => step.id === dependency))
        return `${where}.dependsOn names '${dependency}', which is not an earlier request of the batch.`;
    }
    const lowerHeaders = Object.fromEntries(
      Object.entries((headers ?? {}) as Record<string, unknown>).map(([name, value]) => [
        name.toLowerCase(),
        String(value),
      ]),
    );
    if (request.body !== undefined && lowerHeaders["content-type"] === undefined)
      return `${where} has a body but no Content-Type header.`;
    steps.push({
      id,
      method: method.toUpperCase(),
      url: withoutVersion(url),
      headers: lowerHeaders,
      body: request.body,
      dependsOn: depends as string[],
    });
  }
  return steps;
}

function withoutVersion(url: string): string {
  const path = url.startsWith("/") ? url : `/${url}`;
  return path.replace(/^\/(?:v1\.0|beta)(?=\/|\?|$)/i, "") || "/";
}

/** True when a step may run: every request it depends on answered with a 2xx status. */
export function dependenciesMet(step: BatchStep, answers: readonly BatchAnswer[]): boolean {
  return step.dependsOn.every((id) => {
    const answer = answers.find((item) => item.id === id);
    return answer !== undefined && answer.status >= 200 && answer.status < 300;
  });
}
