import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { FileRead, OrgBrief } from "../../profile/api/profile";
import { qs, request } from "../../profile/api/http";

export interface Announcement {
  id: number;
  sender: OrgBrief;
  author_name: string;
  title: string;
  body_html: string;
  importance: "normal" | "high" | "urgent";
  deadline: string | null;
  target_kind: string;
  created_at: string;
  attachments: FileRead[];
  recipients_count: number;
  read_at: string | null;
}
export interface AnnouncementList {
  items: Announcement[];
  total: number;
  page: number;
  page_size: number;
}
export interface Readers {
  announcement_id: number;
  read_count: number;
  users_count: number;
  recipients: {
    organization: OrgBrief;
    readers: { user_id: number; full_name: string; read_at: string | null }[];
    read_count: number;
    users_count: number;
  }[];
}
export interface AnnouncementDraft {
  title: string;
  body_html: string;
  importance: Announcement["importance"];
  deadline?: string | null;
  target: { kind: "all" | "district" | "type" | "list"; district_id?: number; type_id?: number; organization_ids?: number[] };
}

const base = "/api/v1/inform";

export function useAnnouncements(box: "inbox" | "sent", page: number) {
  return useQuery({
    queryKey: ["inform", box, page],
    placeholderData: keepPreviousData,
    queryFn: () => request<AnnouncementList>(`${base}/${box}${qs({ page })}`),
  });
}

export function useAnnouncement(id: number) {
  return useQuery({ queryKey: ["inform", "one", id], queryFn: () => request<Announcement>(`${base}/announcements/${id}`) });
}

export function useReaders(id: number, enabled: boolean) {
  return useQuery({
    queryKey: ["inform", "readers", id],
    enabled,
    queryFn: () => request<Readers>(`${base}/announcements/${id}/readers`),
  });
}

/** Mutations of Информирование; every success refreshes the lists. */
export function useInformMutation<V, R>(fn: (vars: V) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => client.invalidateQueries({ queryKey: ["inform"] }) });
}

export const informApi = {
  send: (draft: AnnouncementDraft) => request<Announcement>(`${base}/announcements`, { method: "POST", json: draft }),
  attach: (id: number, file: File) => {
    const form = new FormData();
    form.append("file", file);
    return request<FileRead>(`${base}/announcements/${id}/attachments`, { method: "POST", body: form });
  },
  markRead: (id: number) => request<Announcement>(`${base}/announcements/${id}/read`, { method: "POST" }),
};
