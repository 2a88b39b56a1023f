import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useAuth } from "../../../lib/auth/AuthProvider";
import { qs, request } from "../../../api/http";

export interface OrgBrief {
  id: number;
  name_ru: string;
  name_kk?: string | null;
  short_name?: string | null;
  kind: string;
}
export interface OrganizationCard extends OrgBrief {
  description?: string | null;
  postal_address?: string | null;
  building_address?: string | null;
  phones?: string | null;
  email?: string | null;
  website?: string | null;
  parent_id?: number | null;
}
export interface FileRead {
  id: number;
  name: string;
  content_type: string;
  size_bytes: number;
  created_at: string;
  folder_id?: number | null;
  url: string;
}
export interface LeaderBrief {
  person_id: number;
  full_name: string;
  position: string;
  role_kind: string;
  phone?: string | null;
  email?: string | null;
  registered: boolean;
}
export interface AdminBrief {
  user_id: number;
  person_id: number | null;
  full_name: string;
  profile_admin?: boolean;
}
export interface NewsRead {
  id: number;
  organization_id: number;
  title: string;
  body_html: string;
  author_name: string;
  published_at: string;
  images: FileRead[];
}
export interface PageBrief {
  id: number;
  title: string;
  sort_order: number;
}
export interface PageRead extends PageBrief {
  organization_id: number;
  body_html: string;
  updated_at: string;
}
export interface WallRead {
  id: number;
  author_name: string;
  author_user_id: number | null;
  body_html: string;
  hidden: boolean;
  created_at: string;
}
export interface ProfileRead {
  organization: OrganizationCard;
  parent?: OrgBrief | null;
  can_edit: boolean;
  can_name_admins?: boolean;
  is_employee: boolean;
  leaders: LeaderBrief[];
  administrators: AdminBrief[];
  news: NewsRead[];
  pages: PageBrief[];
  latest_documents: FileRead[];
  wall: WallRead[];
}
export interface PersonBrief {
  person_id: number;
  full_name: string;
  phone?: string | null;
  email?: string | null;
}
export interface UnitRead {
  id: number;
  parent_unit_id: number | null;
  name_ru: string;
  name_kk: string | null;
  phone: string | null;
  email: string | null;
  head: PersonBrief | null;
  sort_order?: number;
}
export interface SubordinateRead extends OrgBrief {
  type_name_ru?: string | null;
  district_name_ru?: string | null;
  profile_url: string;
}
export interface StructureRead {
  organization: OrgBrief;
  units: UnitRead[];
  subordinates: SubordinateRead[];
  leaders: LeaderBrief[];
}
export interface ReceptionRead {
  id: number;
  person_id: number | null;
  who: string;
  position: string | null;
  days: string;
  hours: string;
  place: string | null;
}
export interface LeaderPage {
  person_id: number;
  full_name: string;
  organization: OrgBrief;
  positions: string[];
  phone: string | null;
  email: string | null;
  registered: boolean;
  reception: ReceptionRead[];
}
export type PeopleCategory = "all" | "leaders" | "administration" | "school_staff" | "students" | "parents";
export interface PersonRow {
  person_id: number;
  full_name: string;
  registered: boolean;
  user_id: number | null;
  online: boolean;
  memberships: { organization_id: number; organization_name: string; role: string; detail?: string | null }[];
}
export interface PeopleList {
  items: PersonRow[];
  page: number;
  page_size: number;
  has_more: boolean;
  /** How many were found, counted up to 1000; total_exact false means "more than total". */
  total: number;
  total_exact: boolean;
  approximate: boolean;
}
export interface FolderRead {
  id: number;
  parent_id: number | null;
  name: string;
}
export interface DocumentsRead {
  organization: OrgBrief;
  folder: FolderRead | null;
  path: FolderRead[];
  folders: FolderRead[];
  files: FileRead[];
  can_edit: boolean;
}
export interface SectionRead {
  id: number;
  title: string;
  description: string | null;
  topic_count: number;
}
export interface TopicRead {
  id: number;
  section_id: number;
  title: string;
  author_name: string;
  locked: boolean;
  hidden: boolean;
  created_at: string;
  updated_at: string;
  post_count: number;
}
export interface PostRead {
  id: number;
  topic_id: number;
  parent_post_id: number | null;
  author_name: string;
  author_user_id: number | null;
  body_html: string;
  hidden: boolean;
  version: number;
  etag: string;
  created_at: string;
}
export interface ForumRead {
  organization: OrgBrief;
  sections: SectionRead[];
  can_moderate: boolean;
  can_post: boolean;
}
export interface TopicList {
  section: SectionRead;
  items: TopicRead[];
  total: number;
}
export interface TopicDetail {
  topic: TopicRead;
  section: SectionRead;
  posts: PostRead[];
  can_moderate: boolean;
  can_post: boolean;
}
export interface FaqRead {
  id: number;
  author_name: string;
  question: string;
  answer_html: string | null;
  answered_at: string | null;
}
export interface QuestionRead extends FaqRead {
  author_email: string | null;
  published: boolean;
  created_at: string;
}
export interface FeedbackRead {
  organization: OrgBrief;
  contacts: Omit<OrganizationCard, keyof OrgBrief>;
  reception: ReceptionRead[];
  faq: FaqRead[];
  can_edit: boolean;
}

const base = "/api/v1";

/** The query key prefix of an organization's site; includes who is asking (answers differ for employees). */
function useSiteKey(organizationId: number, ...rest: unknown[]) {
  const { status } = useAuth();
  return ["profile", organizationId, status, ...rest];
}

export function useProfile(organizationId: number, enabled = true) {
  return useQuery({
    queryKey: useSiteKey(organizationId, "profile"),
    enabled,
    queryFn: () => request<ProfileRead>(`${base}/organizations/${organizationId}/profile`),
  });
}

export function useStructure(organizationId: number) {
  return useQuery({
    queryKey: useSiteKey(organizationId, "structure"),
    queryFn: () => request<StructureRead>(`${base}/organizations/${organizationId}/structure`),
  });
}

export function useLeader(organizationId: number, personId: number) {
  return useQuery({
    queryKey: useSiteKey(organizationId, "leader", personId),
    queryFn: () => request<LeaderPage>(`${base}/organizations/${organizationId}/leaders/${personId}`),
  });
}

export function usePage(organizationId: number, pageId: number) {
  return useQuery({
    queryKey: useSiteKey(organizationId, "page", pageId),
    queryFn: () => request<PageRead>(`${base}/pages/${pageId}`),
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
    queryFn: () =>
      request<PeopleList>(
        `${base}/organizations/${organizationId}/people${qs({ ...query, q: query.q.trim() || undefined, online: query.online || undefined, page_size: 25 })}`,
      ),
  });
}

export function useDocuments(organizationId: number, folderId: number | null) {
  return useQuery({
    queryKey: useSiteKey(organizationId, "documents", folderId),
    queryFn: () => request<DocumentsRead>(`${base}/organizations/${organizationId}/documents${qs({ folder_id: folderId })}`),
  });
}

export function useForum(organizationId: number) {
  return useQuery({
    queryKey: useSiteKey(organizationId, "forum"),
    queryFn: () => request<ForumRead>(`${base}/organizations/${organizationId}/forum`),
  });
}

export function useTopics(organizationId: number, sectionId: number | null) {
  return useQuery({
    queryKey: useSiteKey(organizationId, "topics", sectionId),
    enabled: sectionId !== null,
    queryFn: () => request<TopicList>(`${base}/forum/sections/${sectionId}/topics`),
  });
}

export function useTopic(organizationId: number, topicId: number) {
  return useQuery({
    queryKey: useSiteKey(organizationId, "topic", topicId),
    queryFn: () => request<TopicDetail>(`${base}/forum/topics/${topicId}`),
  });
}

export function useFeedback(organizationId: number) {
  return useQuery({
    queryKey: useSiteKey(organizationId, "feedback"),
    queryFn: () => request<FeedbackRead>(`${base}/organizations/${organizationId}/feedback`),
  });
}

export function useQuestions(organizationId: number, enabled: boolean) {
  return useQuery({
    queryKey: useSiteKey(organizationId, "questions"),
    enabled,
    queryFn: () => request<{ items: QuestionRead[] }>(`${base}/organizations/${organizationId}/questions`),
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
  createNews: (org: number, body: { title: string; body_html: string }) =>
    request<NewsRead>(`${base}/organizations/${org}/news`, { method: "POST", json: body }),
  deleteNews: (newsId: number) => request<void>(`${base}/news/${newsId}`, { method: "DELETE" }),
  postWall: (org: number, body_html: string) =>
    request<WallRead>(`${base}/organizations/${org}/wall`, { method: "POST", json: { body_html } }),
  uploadDocument: (org: number, file: File, folderId: number | null) => {
    const form = new FormData();
    form.append("file", file);
    if (folderId !== null) form.append("folder_id", String(folderId));
    return request<FileRead>(`${base}/organizations/${org}/documents`, { method: "POST", body: form });
  },
  createFolder: (org: number, name: string, parentId: number | null) =>
    request<FolderRead>(`${base}/organizations/${org}/folders`, { method: "POST", json: { name, parent_id: parentId } }),
  deleteFile: (fileId: number) => request<void>(`${base}/files/${fileId}`, { method: "DELETE" }),
  ask: (org: number, body: { author_name: string; author_email?: string; question: string }) =>
    request<{ id: number }>(`${base}/organizations/${org}/questions`, { method: "POST", json: body }),
  answer: (questionId: number, body: { answer_html?: string; published?: boolean }) =>
    request<QuestionRead>(`${base}/questions/${questionId}`, { method: "PATCH", json: body }),
  createTopic: (sectionId: number, body: { title: string; body_html: string }) =>
    request<TopicDetail>(`${base}/forum/sections/${sectionId}/topics`, { method: "POST", json: body }),
  createSection: (org: number, title: string) =>
    request<SectionRead>(`${base}/organizations/${org}/forum/sections`, { method: "POST", json: { title } }),
  reply: (topicId: number, body: { body_html: string; parent_post_id?: number | null }) =>
    request<PostRead>(`${base}/forum/topics/${topicId}/posts`, { method: "POST", json: body }),
  editPost: (post: PostRead, body_html: string) =>
    request<PostRead>(`${base}/forum/posts/${post.id}`, { method: "PATCH", json: { body_html }, headers: { "If-Match": post.etag } }),
  moderateTopic: (topicId: number, body: { locked?: boolean; hidden?: boolean }) =>
    request<TopicDetail>(`${base}/forum/topics/${topicId}`, { method: "PATCH", json: body }),
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
