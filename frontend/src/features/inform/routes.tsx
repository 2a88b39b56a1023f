import type { RouteObject } from "react-router";
import { AnnouncementPage, InformPage } from "./components/InformPage";

/** Информирование (signed-in users): /inform and /inform/:announcementId. */
export const informRoutes: RouteObject[] = [
  { path: "/inform", element: <InformPage /> },
  { path: "/inform/:announcementId", element: <AnnouncementPage /> },
];
