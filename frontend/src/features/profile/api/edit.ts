import { useQuery } from "@tanstack/react-query";
import { api, multipart, unwrap } from "../../../api/client";
import type { components } from "../../../api/schema";

type S = components["schemas"];
export type ProfileUpdate = S["ProfileUpdate"];
export type UnitWrite = S["UnitWrite"];
export type ReceptionWrite = S["ReceptionWrite"];
export type ProfileAdmins = S["ProfileAdminsRead"];

/** Profile administrators of a body and the employees an administrator may name. */
export function useProfileAdmins(organizationId: number, enabled: boolean) {
  return useQuery({
    queryKey: ["profile", organizationId, "profile-admins"],
    enabled,
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/organizations/{organization_id}/profile-administrators", { params: { path: { organization_id: organizationId } } })),
  });
}

const org = (id: number) => ({ params: { path: { organization_id: id } } });

/** Writes of the organization site, through the generated client. */
export const editApi = {
  updateProfile: async (id: number, body: ProfileUpdate) =>
    unwrap(await api.PATCH("/api/v1/organizations/{organization_id}/profile", { ...org(id), body })),
  setProfileAdmins: async (id: number, userIds: number[]) =>
    unwrap(await api.PUT("/api/v1/organizations/{organization_id}/profile-administrators", { ...org(id), body: { user_ids: userIds } })),
  updateNews: async (newsId: number, body: { title: string; body_html: string }) =>
    unwrap(await api.PATCH("/api/v1/news/{news_id}", { params: { path: { news_id: newsId } }, body })),
  addNewsImage: async (newsId: number, file: File) =>
    unwrap(
      await api.POST("/api/v1/news/{news_id}/images", {
        params: { path: { news_id: newsId } },
        body: { file: file as unknown as string },
        bodySerializer: multipart,
      }),
    ),
  createPage: async (id: number, body: { title: string; body_html: string }) =>
    unwrap(await api.POST("/api/v1/organizations/{organization_id}/pages", { ...org(id), body })),
  updatePage: async (pageId: number, body: { title: string; body_html: string }) =>
    unwrap(await api.PATCH("/api/v1/pages/{page_id}", { params: { path: { page_id: pageId } }, body })),
  deletePage: async (pageId: number) => {
    const r = await api.DELETE("/api/v1/pages/{page_id}", { params: { path: { page_id: pageId } } });
    if (!r.response.ok) unwrap(r);
  },
  orderPages: async (id: number, ids: number[]) =>
    unwrap(await api.PUT("/api/v1/organizations/{organization_id}/pages/order", { ...org(id), body: { ids } })),
  createUnit: async (id: number, body: UnitWrite) =>
    unwrap(await api.POST("/api/v1/organizations/{organization_id}/units", { ...org(id), body })),
  updateUnit: async (unitId: number, body: UnitWrite) =>
    unwrap(await api.PUT("/api/v1/units/{unit_id}", { params: { path: { unit_id: unitId } }, body })),
  deleteUnit: async (unitId: number) => {
    const r = await api.DELETE("/api/v1/units/{unit_id}", { params: { path: { unit_id: unitId } } });
    if (!r.response.ok) unwrap(r);
  },
  createReception: async (id: number, body: ReceptionWrite) =>
    unwrap(await api.POST("/api/v1/organizations/{organization_id}/reception", { ...org(id), body })),
  updateReception: async (receptionId: number, body: ReceptionWrite) =>
    unwrap(await api.PUT("/api/v1/reception/{reception_id}", { params: { path: { reception_id: receptionId } }, body })),
  deleteReception: async (receptionId: number) => {
    const r = await api.DELETE("/api/v1/reception/{reception_id}", { params: { path: { reception_id: receptionId } } });
    if (!r.response.ok) unwrap(r);
  },
  renameFolder: async (folderId: number, name: string, parentId: number | null) =>
    unwrap(await api.PATCH("/api/v1/folders/{folder_id}", { params: { path: { folder_id: folderId } }, body: { name, parent_id: parentId } })),
  deleteFolder: async (folderId: number) => {
    const r = await api.DELETE("/api/v1/folders/{folder_id}", { params: { path: { folder_id: folderId } } });
    if (!r.response.ok) unwrap(r);
  },
  updateFile: async (fileId: number, body: { name?: string; folder_id?: number | null }) =>
    unwrap(await api.PATCH("/api/v1/files/{file_id}", { params: { path: { file_id: fileId } }, body })),
  updateSection: async (sectionId: number, body: { title: string; description?: string | null; sort_order: number }) =>
    unwrap(await api.PUT("/api/v1/forum/sections/{section_id}", { params: { path: { section_id: sectionId } }, body })),
  deleteSection: async (sectionId: number) => {
    const r = await api.DELETE("/api/v1/forum/sections/{section_id}", { params: { path: { section_id: sectionId } } });
    if (!r.response.ok) unwrap(r);
  },
  moderateTopic: async (topicId: number, body: { hidden?: boolean; locked?: boolean }) =>
    unwrap(await api.PATCH("/api/v1/forum/topics/{topic_id}", { params: { path: { topic_id: topicId } }, body })),
  deleteTopic: async (topicId: number) => {
    const r = await api.DELETE("/api/v1/forum/topics/{topic_id}", { params: { path: { topic_id: topicId } } });
    if (!r.response.ok) unwrap(r);
  },
  moderatePost: async (postId: number, hidden: boolean) =>
    unwrap(await api.POST("/api/v1/forum/posts/{post_id}/moderation", { params: { path: { post_id: postId } }, body: { hidden } })),
  answerQuestion: async (questionId: number, body: { answer_html?: string; published?: boolean }) =>
    unwrap(await api.PATCH("/api/v1/questions/{question_id}", { params: { path: { question_id: questionId } }, body })),
  deleteQuestion: async (questionId: number) => {
    const r = await api.DELETE("/api/v1/questions/{question_id}", { params: { path: { question_id: questionId } } });
    if (!r.response.ok) unwrap(r);
  },
};

/** A website address as a link: https:// when the scheme is missing; null for anything but http(s). */
export function websiteHref(value: string | null | undefined): string | null {
  if (!value) return null;
  const v = value.trim();
  if (/^https?:\/\//i.test(v)) return v;
  if (/^[a-z][a-z0-9+.-]*:/i.test(v)) return null;
  return `https://${v.replace(/^\/+/, "")}`;
}
