import { createBrowserRouter, type RouteObject } from "react-router";
import { LoginPage } from "../features/auth/components/LoginPage";
import { RequireAuth } from "../features/auth/components/RequireAuth";
import { NotFoundPage } from "../features/layout/components/NotFoundPage";
import { WorkspaceLayout } from "../features/layout/components/WorkspaceLayout";
import { CataloguePage } from "../features/reports/components/CataloguePage";
import { PrintPage } from "../features/reports/components/PrintPage";
import { ReportPage } from "../features/reports/components/ReportPage";
import { HomeRoute } from "../features/profile/components/DirectoryPage";
import { publicRoutes, workspaceRoutes } from "./featureRoutes";

/** The route tree; other features add theirs in featureRoutes.ts. */
export const routes: RouteObject[] = [
  { path: "/login", element: <LoginPage /> },
  {
    element: <RequireAuth />,
    children: [{ path: "/reports/:reportId/print", element: <PrintPage /> }],
  },
  {
    element: <WorkspaceLayout />,
    children: [
      ...publicRoutes,
      { index: true, element: <HomeRoute /> },
      {
        element: <RequireAuth />,
        children: [
          { path: "/reports", element: <CataloguePage /> },
          { path: "/reports/:reportId", element: <ReportPage /> },
          ...workspaceRoutes,
        ],
      },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];

export function createRouter() {
  return createBrowserRouter(routes);
}
