import { ImesimError } from "@imesim/contracts/errors";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import type { ServiceContext } from "../context.ts";
import { stableUuid } from "../identity/token-issuer.ts";
import { appNotFound } from "./app-routes.ts";
import { sendCollection } from "./odata.ts";
import { AppParams } from "./schemas.ts";

/** The default scope tag every tenant has (graph-win32.md §6: return at least this one). */
const defaultScopeTag = { id: "0", displayName: "Default", description: "", isBuiltIn: true };

/**
 * The app categories a new tenant starts with, as the portal lists them. Real ids differ per
 * tenant; the mock derives stable ones from the names.
 */
const categories = [
  "Other apps",
  "Books & Reference",
  "Data management",
  "Productivity",
  "Business",
  "Development & Design",
  "Photos & Media",
  "Collaboration & Social",
  "Computer management",
].map((displayName) => ({
  "@odata.type": "#microsoft.graph.mobileAppCategory",
  id: stableUuid(`category:${displayName}`),
  displayName,
  lastModifiedDateTime: "2020-01-01T00:00:00Z",
}));

const CategoryRef = Type.Object(
  { "@odata.id": Type.String({ minLength: 1 }) },
  { additionalProperties: true },
);

/**
 * The lookups IntuneWin32App makes with `-ScopeTagName` and `-CategoryName` (graph-win32.md §0
 * steps 1, 2, 4): scope tags, categories, and linking a category to an app. Category links are
 * accepted and checked, not stored: nothing downstream of Graph reads them.
 */
export function catalogRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get("/deviceManagement/getRoleScopeTagsByResource(resource='MobileApps')", async (request, reply) => {
      return sendCollection(context, request, reply, "Collection(microsoft.graph.roleScopeTag)", [
        { "@odata.type": "#microsoft.graph.roleScopeTag", ...defaultScopeTag },
      ]);
    });

    app.get("/deviceManagement/roleScopeTags", async (request, reply) => {
      return sendCollection(context, request, reply, "deviceManagement/roleScopeTags", [
        { "@odata.type": "#microsoft.graph.roleScopeTag", ...defaultScopeTag },
      ]);
    });

    app.get("/deviceAppManagement/mobileAppCategories", async (request, reply) => {
      return sendCollection(context, request, reply, "deviceAppManagement/mobileAppCategories", categories);
    });

    app.post<{ Params: { appId: string }; Body: { "@odata.id": string } }>(
      "/deviceAppManagement/mobileApps/:appId/categories/$ref",
      { schema: { params: AppParams, body: CategoryRef } },
      async (request, reply) => {
        if (context.store.getApp(request.params.appId) === undefined) {
          return appNotFound(request, reply, request.params.appId);
        }
        const link = request.body["@odata.id"];
        if (
          !categories.some((category) => link.toLowerCase().endsWith(`/mobileappcategories/${category.id}`))
        ) {
          throw new ImesimError(
            "GRAPH_MODEL_VALIDATION",
            `'${link}' is not a mobileAppCategory of this tenant.`,
            {
              path: "@odata.id",
            },
          );
        }
        return reply.code(204).send();
      },
    );
  };
}
