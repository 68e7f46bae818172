// The client side of an agent's control surface: one request with the token from its control file (ctl-file.ts).
// `imesim agent ctl` and the dashboard's device operations both call through here.
import { ImesimError } from "@imesim/contracts/errors";
import { readControlFile } from "./ctl-file.ts";

/**
 * `GET /v1` (the verbs) when `verb` is undefined, else `POST /v1/<verb>` with `args`; the answer's `result`.
 * The surface's `{error}` becomes an ImesimError with its code; CTL_UNREACHABLE when nothing answers.
 */
export async function callControl(path: string, verb: string | undefined, args?: unknown): Promise<unknown> {
  const { url, token } = readControlFile(path);
  let response: Response;
  try {
    response = await fetch(verb === undefined ? `${url}/v1` : `${url}/v1/${encodeURIComponent(verb)}`, {
      method: verb === undefined ? "GET" : "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(verb === undefined ? {} : { body: JSON.stringify(args ?? {}) }),
    });
  } catch (error) {
    const cause = (error as Error).cause;
    throw new ImesimError(
      "CTL_UNREACHABLE",
      `no agent answers at ${url} (from ${path}): ${cause instanceof Error ? cause.message : (error as Error).message}`,
    );
  }
  const body = (await response.json()) as { result?: unknown; error?: { code: string; message: string } };
  if (body.error !== undefined) throw new ImesimError(body.error.code, body.error.message);
  return body.result;
}
