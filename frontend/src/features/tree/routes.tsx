import type { RouteObject } from "react-router";
import { TreePage } from "./components/TreePage";

/** Signed in, administrators: the tree of organizations and the districts (/tree). */
export const treeRoutes: RouteObject[] = [{ path: "/tree", element: <TreePage /> }];
