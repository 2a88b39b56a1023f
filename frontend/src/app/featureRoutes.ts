import type { RouteObject } from "react-router";
import { accountRoutes } from "../features/accounts/routes";
import { informRoutes } from "../features/inform/routes";
import { profileRoutes } from "../features/profile/routes";
import { treeRoutes } from "../features/tree/routes";

/**
 * Routes that other features plug into the app. Each feature exports its own RouteObject[] from
 * src/features/<feature>/routes.tsx and is spread here, e.g.
 *
 *   import { profileRoutes } from "../features/profile/routes";
 *   export const publicRoutes: RouteObject[] = [...profileRoutes];
 */

/** Inside the top-menu layout, open to anonymous visitors: the public organization profile (/o/:organizationId/…). */
export const publicRoutes: RouteObject[] = [...profileRoutes];

/** Inside the top-menu layout, signed-in users only: e.g. Информирование (/inform). */
export const workspaceRoutes: RouteObject[] = [...informRoutes, ...accountRoutes, ...treeRoutes];
