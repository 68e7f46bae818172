import { BatchRequestContent, BatchResponseContent } from "@microsoft/microsoft-graph-client";
import { describe, expect, it } from "vitest";
import { sampleApp } from "../service/helpers.ts";
import { graphClient } from "./snippets/graph-client.ts";
import { useTlsService } from "./tls-service.ts";

const shared = useTlsService({ pageSize: 3 });

describe("Graph $batch as the Graph JS client sends it", () => {
  // The client accepts parallel, same-dependency or serial batches; this one is serial.
  it("runs each request as if sent alone, honours dependsOn, and answers 424 after a failed dependency", async () => {
    const client = graphClient(shared.service.baseUrl, shared.token);
    const apps = `${shared.service.baseUrl}/beta/deviceAppManagement/mobileApps`;
    const json = { "content-type": "application/json" };
    const batch = new BatchRequestContent([
      {
        id: "create",
        request: new Request(apps, {
          method: "POST",
          headers: json,
          body: JSON.stringify(sampleApp({ displayName: "Batched" })),
        }),
      },
      { id: "list", request: new Request(`${apps}?$filter=displayName eq 'Batched'`), dependsOn: ["create"] },
      {
        id: "missing",
        request: new Request(`${apps}/00000000-0000-0000-0000-000000000000`),
        dependsOn: ["list"],
      },
      { id: "after-missing", request: new Request(apps), dependsOn: ["missing"] },
    ]);
    const answer = new BatchResponseContent(await client.api("/$batch").post(await batch.getContent()));
    const created = answer.getResponseById("create");
    expect(created.status).toBe(201);
    const app = await created.json();
    expect(app).toMatchObject({ "@odata.type": "#microsoft.graph.win32LobApp", displayName: "Batched" });
    // URLs inside the answers are the ones the client reached, https included.
    expect(created.headers.get("location")).toBe(`${apps}/${app.id}`);
    const listed = await answer.getResponseById("list").json();
    expect(listed.value.map((item: { id: string }) => item.id)).toEqual([app.id]);
    expect(answer.getResponseById("missing").status).toBe(404);
    expect(answer.getResponseById("after-missing").status).toBe(424);
  });

  it("a batch that is not one (no requests, too many, a later dependency) is a 400 naming the problem", async () => {
    const post = (body: unknown) =>
      fetch(`${shared.service.baseUrl}/v1.0/$batch`, {
        method: "POST",
        headers: { authorization: `Bearer ${shared.token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const many = Array.from({ length: 21 }, (_, index) => ({
      id: String(index),
      method: "GET",
      url: "/groups",
    }));
    for (const [body, message] of [
      [{}, "'requests' must be an array"],
      [{ requests: many }, "exceeds the limit of 20"],
      [{ requests: [{ id: "1", method: "GET", url: "/v1.0/$batch" }] }, "a batch cannot hold another batch"],
      [
        { requests: [{ id: "1", method: "POST", url: "/groups", body: {} }] },
        "has a body but no Content-Type",
      ],
      [
        {
          requests: [
            { id: "1", method: "GET", url: "/groups", dependsOn: ["2"] },
            { id: "2", method: "GET", url: "/groups" },
          ],
        },
        "names '2', which is not an earlier request",
      ],
    ] as const) {
      const response = await post(body);
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatchObject({
        code: "BadRequest",
        message: expect.stringContaining(message),
      });
    }
  });
});

describe("Graph paging", () => {
  it("links the next page whenever one is cut, at the page size or at $top, and the links walk every item once", async () => {
    const client = graphClient(shared.service.baseUrl, shared.token);
    const created: string[] = [];
    for (let index = 0; index < 7; index += 1) {
      const app = await client
        .api("/deviceAppManagement/mobileApps")
        .post(sampleApp({ displayName: `Paged ${index}` }));
      created.push(app.id);
    }
    const walk = async (first: string) => {
      const seen: string[] = [];
      const sizes: number[] = [];
      let page = await client.api(first).get();
      for (;;) {
        sizes.push(page.value.length);
        seen.push(...page.value.map((item: { id: string }) => item.id));
        const next = page["@odata.nextLink"] as string | undefined;
        if (next === undefined) break;
        expect(next.startsWith(`${shared.service.baseUrl}/beta/`)).toBe(true);
        page = await client.api(next).get();
      }
      return { seen, sizes };
    };
    const filter = "$filter=startswith(displayName,'Paged')";
    const bySize = await walk(`/deviceAppManagement/mobileApps?${filter}`);
    expect(bySize.sizes).toEqual([3, 3, 1]);
    expect(bySize.seen.sort()).toEqual([...created].sort());
    const byTop = await walk(`/deviceAppManagement/mobileApps?${filter}&$top=2`);
    expect(byTop.sizes).toEqual([2, 2, 2, 1]);
    expect(byTop.seen.sort()).toEqual([...created].sort());
    const single = await client.api(`/deviceAppManagement/mobileApps?${filter}&$top=7`).get();
    expect(single.value).toHaveLength(3);
    expect(single["@odata.nextLink"]).toContain("$top=7");
  });
});
