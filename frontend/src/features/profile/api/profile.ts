import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useAuth } from "../../../lib/auth/AuthProvider";
import { api, multipart, unwrap } from "../../../api/client";
import type { components, operations } from "../../../api/schema";

type S = components["schemas"];
export type OrgBrief = S["OrgBrief"];
export type OrganizationCard = S["OrganizationCard"];
export type FileRead = S["FileRead"];
export type LeaderBrief = S["LeaderBrief"];
export type AdminBrief = S["AdminBrief"];
export type NewsRead = S["NewsRead"];
export type PageBrief = S["PageBrief"];
export type PageRead = S["PageRead"];
export type WallRead = S["WallRead"];
export type ProfileRead = S["ProfileRead"];
export type PersonBrief = S["PersonBrief"];
export type UnitRead = S["UnitRead"];
export type SubordinateRead = S["SubordinateRead"];
export type StructureRead = S["StructureRead"];
export type ReceptionRead = S["ReceptionRead"];
export type LeaderPage = S["LeaderPage"];
export type PersonRow = S["PersonRow"];
export type PeopleList = S["PeopleList"];
export type FolderRead = S["FolderRead"];
export type DocumentsRead = S["DocumentsRead"];
export type SectionRead = S["SectionRead"];
export type TopicRead = S["TopicRead"];
export type PostRead = S["PostRead"];
export type ForumRead = S["ForumRead"];
export type TopicList = S["TopicList"];
export type TopicDetail = S["TopicDetail"];
export type FaqRead = S["FaqRead"];
export type QuestionRead = S["QuestionRead"];
export type FeedbackRead = S["FeedbackRead"];
type PeopleParams = NonNullable<operations["list_people_api_v1_organizations__organization_id__people_get"]["parameters"]["query"]>;
export type PeopleCategory = NonNullable<PeopleParams["category"]>;


const org = (id: number) => ({ params: { path: { organization_id: id } } });

/** The query key prefix of an organization's site; includes who is asking (answers differ for employees). */
function useSiteKey(organizationId: number, ...rest: unknown[]) {
  const { status } = useAuth();
  return ["profile", organizationId, status, ...rest];
}

export function useProfile(organizationId: number, enabled = true) {
  return useQuery({
    queryKey: useSiteKey(organizationId, "profile"),
    enabled,
    queryFn: async () => unwrap(await api.GET("/api/v1/organizations/{organization_id}/profile", org(organizationId))),
  });
}

export function useStructure(organizationId: number) {
  return useQuery({
    queryKey: useSiteKey(organizationId, "structure"),
    queryFn: async () => unwrap(await api.GET("/api/v1/organizations/{organization_id}/structure", org(organizationId))),
  });
}

export function useLeader(organizationId: number, personId: number) {
  return useQuery({
    queryKey: useSiteKey(organizationId, "leader", personId),
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/organizations/{organization_id}/leaders/{person_id}", {
          params: { path: { organization_id: organizationId, person_id: personId } },
        }),
      ),
  });
}

export function usePage(organizationId: number, pageId: number) {
  return useQuery({
    queryKey: useSiteKey(organizationId, "page", pageId),
    queryFn: async () => unwrap(await api.GET("/api/v1/pages/{page_id}", { params: { path: { page_id: pageId } } })),
  });
}

export interface PeopleQuery {
  category: PeopleCategory;
  q: string;
  online: boolean;
  page: number;
}

export function usePeople(organizationId: number, query: PeopleQuery) {
  return useQuery({
    queryKey: useSiteKey(organizationId, "people", query),
    placeholderData: keepPreviousData,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/organizations/{organization_id}/people", {
          params: {
            path: { organization_id: organizationId },
            query: { ...query, q: query.q.trim() || undefined, online: query.online || undefined, page_size: 25 },
          },
        }),
      ),
  });
}

export function useDocuments(organizationId: number, folderId: number | null) {
  return useQuery({
    queryKey: useSiteKey(organizationId, "documents", folderId),
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/organizations/{organization_id}/documents", {
          params: { path: { organization_id: organizationId }, query: { folder_id: folderId ?? undefined } },
        }),
      ),
  });
}

export function useForum(organizationId: number) {
  return useQuery({
    queryKey: useSiteKey(organizationId, "forum"),
    queryFn: async () => unwrap(await api.GET("/api/v1/organizations/{organization_id}/forum", org(organizationId))),
  });
}

export function useTopics(organizationId: number, sectionId: number | null) {
  return useQuery({
    queryKey: useSiteKey(organizationId, "topics", sectionId),
    enabled: sectionId !== null,
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/forum/sections/{section_id}/topics", { params: { path: { section_id: sectionId ?? 0 } } })),
  });
}

export function useTopic(organizationId: number, topicId: number) {
  return useQuery({
    queryKey: useSiteKey(organizationId, "topic", topicId),
    queryFn: async () => unwrap(await api.GET("/api/v1/forum/topics/{topic_id}", { params: { path: { topic_id: topicId } } })),
  });
}

export function useFeedback(organizationId: number) {
  return useQuery({
    queryKey: useSiteKey(organizationId, "feedback"),
    queryFn: async () => unwrap(await api.GET("/api/v1/organizations/{organization_id}/feedback", org(organizationId))),
  });
}

export function useQuestions(organizationId: number, enabled: boolean) {
  return useQuery({
    queryKey: useSiteKey(organizationId, "questions"),
    enabled,
    queryFn: async () => unwrap(await api.GET("/api/v1/organizations/{organization_id}/questions", org(organizationId))),
  });
}

/** A mutation that refreshes the organization's site afterwards. */
export function useSiteMutation<V, R>(organizationId: number, fn: (vars: V) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => client.invalidateQueries({ queryKey: ["profile", organizationId] }),
  });
}

export const profileApi = {
  createNews: async (id: number, body: { title: string; body_html: string }) =>
    unwrap(await api.POST("/api/v1/organizations/{organization_id}/news", { ...org(id), body })),
  deleteNews: async (newsId: number) => {
    const r = await api.DELETE("/api/v1/news/{news_id}", { params: { path: { news_id: newsId } } });
    if (!r.response.ok) unwrap(r);
  },
  postWall: async (id: number, body_html: string) =>
    unwrap(await api.POST("/api/v1/organizations/{organization_id}/wall", { ...org(id), body: { body_html } })),
  uploadDocument: async (id: number, file: File, folderId: number | null) =>
    unwrap(
      await api.POST("/api/v1/organizations/{organization_id}/documents", {
        ...org(id),
        body: { file: file as unknown as string, folder_id: folderId },
        bodySerializer: multipart,
      }),
    ),
  createFolder: async (id: number, name: string, parentId: number | null) =>
    unwrap(await api.POST("/api/v1/organizations/{organization_id}/folders", { ...org(id), body: { name, parent_id: parentId } })),
  deleteFile: async (fileId: number) => {
    const r = await api.DELETE("/api/v1/files/{file_id}", { params: { path: { file_id: fileId } } });
    if (!r.response.ok) unwrap(r);
  },
  ask: async (id: number, body: { author_name: string; author_email?: string; question: string }) =>
    unwrap(await api.POST("/api/v1/organizations/{organization_id}/questions", { ...org(id), body })),
  answer: async (questionId: number, body: { answer_html?: string; published?: boolean }) =>
    unwrap(await api.PATCH("/api/v1/questions/{question_id}", { params: { path: { question_id: questionId } }, body })),
  createTopic: async (sectionId: number, body: { title: string; body_html: string }) =>
    unwrap(await api.POST("/api/v1/forum/sections/{section_id}/topics", { params: { path: { section_id: sectionId } }, body })),
  createSection: async (id: number, title: string) =>
    unwrap(await api.POST("/api/v1/organizations/{organization_id}/forum/sections", { ...org(id), body: { title, sort_order: 0 } })), // 0 is the schema default
  reply: async (topicId: number, body: { body_html: string; parent_post_id?: number | null }) =>
    unwrap(await api.POST("/api/v1/forum/topics/{topic_id}/posts", { params: { path: { topic_id: topicId } }, body })),
  editPost: async (post: PostRead, body_html: string) =>
    unwrap(
      await api.PATCH("/api/v1/forum/posts/{post_id}", {
        params: { path: { post_id: post.id } },
        headers: { "If-Match": post.etag },
        body: { body_html },
      }),
    ),
  moderateTopic: async (topicId: number, body: { locked?: boolean; hidden?: boolean }) =>
    unwrap(await api.PATCH("/api/v1/forum/topics/{topic_id}", { params: { path: { topic_id: topicId } }, body })),
};

/** The organization's display name in the UI language. */
export function orgName(org: OrgBrief | undefined, lang: string | undefined): string {
  if (!org) return "";
  return (lang === "kk" && org.name_kk) || org.name_ru;
}

/** A human file size. */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
