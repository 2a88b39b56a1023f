import type { RouteObject } from "react-router";
import { DirectoryPage, MyOrganizationRoute } from "./components/DirectoryPage";
import { DocumentsTab } from "./components/DocumentsTab";
import { FeedbackTab } from "./components/FeedbackTab";
import { ForumTab, TopicView } from "./components/ForumTab";
import { OrganizationSite } from "./components/OrganizationSite";
import { PageView } from "./components/PageView";
import { PeopleTab } from "./components/PeopleTab";
import { ProfileTab } from "./components/ProfileTab";
import { LeaderPageView, StructureTab } from "./components/StructureTab";

/** The public site of an organization: /o/:organizationId and its tabs. */
export const profileRoutes: RouteObject[] = [
  { path: "/o", element: <DirectoryPage /> },
  { path: "/o/my", element: <MyOrganizationRoute /> },
  {
    path: "/o/:organizationId",
    element: <OrganizationSite />,
    children: [
      { index: true, element: <ProfileTab /> },
      { path: "pages/:pageId", element: <PageView /> },
      { path: "structure", element: <StructureTab /> },
      { path: "leaders/:personId", element: <LeaderPageView /> },
      { path: "people", element: <PeopleTab /> },
      { path: "documents", element: <DocumentsTab /> },
      { path: "forum", element: <ForumTab /> },
      { path: "topics/:topicId", element: <TopicView /> },
      { path: "feedback", element: <FeedbackTab /> },
    ],
  },
];
