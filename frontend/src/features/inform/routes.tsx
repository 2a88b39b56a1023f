import type { RouteObject } from "react-router";
import "../../i18n/profile";
import { AnnouncementPage, InformPage } from "./components/InformPage";

/** Информирование (signed-in users): /inform and /inform/:announcementId. */
export const informRoutes: RouteObject[] = [
  { path: "/inform", element: <InformPage /> },
  { path: "/inform/:announcementId", element: <AnnouncementPage /> },
];
