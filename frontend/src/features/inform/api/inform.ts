import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, multipart, unwrap } from "../../../api/client";
import type { components } from "../../../api/schema";
import { useAuth } from "../../../lib/auth/AuthProvider";

type S = components["schemas"];
export type Announcement = S["AnnouncementRead"];
export type AnnouncementList = S["AnnouncementList"];
export type Readers = S["AnnouncementReads"];
export type AnnouncementDraft = S["AnnouncementWrite"];
export type Importance = AnnouncementDraft["importance"];
export type TargetKind = AnnouncementDraft["target"]["kind"];
export const TARGET_KINDS: TargetKind[] = ["all", "district", "type", "list"];

/** What the send form holds for each way of choosing recipients (Mantine selects keep ids as strings). */
export interface TargetForm {
  district: string | null;
  type: string | null;
  organizations: string[];
}

/** The request's target from the form; null while the chosen way still lacks its value. */
export function draftTarget(kind: TargetKind, form: TargetForm): AnnouncementDraft["target"] | null {
  switch (kind) {
    case "all":
      return { kind };
    case "district":
      return form.district ? { kind, district_id: Number(form.district) } : null;
    case "type":
      return form.type ? { kind, type_id: Number(form.type) } : null;
    case "list":
      return form.organizations.length ? { kind, organization_ids: form.organizations.map(Number) } : null;
  }
}

/** How many organizations a target reaches, by the API's counts (the body's subtree); null when unknown. */
export function reach(targets: InformTargets | undefined, target: AnnouncementDraft["target"] | null): number | null {
  if (!targets || !target) return null;
  switch (target.kind) {
    case "all":
      return targets.organizations_count;
    case "district":
      return targets.districts.find((d) => d.id === target.district_id)?.organizations_count ?? 0;
    case "type":
      return targets.types.find((t) => t.id === target.type_id)?.organizations_count ?? 0;
    case "list":
      return target.organization_ids?.length ?? 0;
  }
}

/** A district's or a type's name in the interface language (Russian when there is no translation). */
export function choiceName(choice: { name_ru: string; name_kk?: string | null; name_en?: string | null }, lang: string | undefined): string {
  if (lang === "kk" && choice.name_kk) return choice.name_kk;
  if (lang === "en" && choice.name_en) return choice.name_en;
  return choice.name_ru;
}

/** The send form's choices: districts, types and organizations below the body (generated from the API schema). */
export type InformTargets = components["schemas"]["InformTargets"];
export type TargetChoice = components["schemas"]["TargetChoice"];

const one = (id: number) => ({ params: { path: { announcement_id: id } } });

export function useTargets(enabled: boolean) {
  return useQuery({ queryKey: ["inform", "targets"], enabled, queryFn: async () => unwrap(await api.GET("/api/v1/inform/targets")) });
}

export function useAnnouncements(box: "inbox" | "sent", page: number) {
  return useQuery({
    queryKey: ["inform", box, page],
    placeholderData: keepPreviousData,
    queryFn: async () =>
      unwrap(
        box === "inbox"
          ? await api.GET("/api/v1/inform/inbox", { params: { query: { page } } })
          : await api.GET("/api/v1/inform/sent", { params: { query: { page } } }),
      ),
  });
}

export function useAnnouncement(id: number) {
  return useQuery({
    queryKey: ["inform", "one", id],
    queryFn: async () => unwrap(await api.GET("/api/v1/inform/announcements/{announcement_id}", one(id))),
  });
}

export function useReaders(id: number, enabled: boolean) {
  return useQuery({
    queryKey: ["inform", "readers", id],
    enabled,
    queryFn: async () => unwrap(await api.GET("/api/v1/inform/announcements/{announcement_id}/readers", one(id))),
  });
}

/** Mutations of Информирование; every success refreshes the lists. */
export function useInformMutation<V, R>(fn: (vars: V) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => client.invalidateQueries({ queryKey: ["inform"] }) });
}

export const informApi = {
  send: async (draft: AnnouncementDraft) => unwrap(await api.POST("/api/v1/inform/announcements", { body: draft })),
  attach: async (id: number, file: File) =>
    unwrap(
      await api.POST("/api/v1/inform/announcements/{announcement_id}/attachments", {
        ...one(id),
        body: { file: file as unknown as string },
        bodySerializer: multipart,
      }),
    ),
  markRead: async (id: number) => unwrap(await api.POST("/api/v1/inform/announcements/{announcement_id}/read", one(id))),
  withdraw: async (announcementId: number, withdrawn: boolean) =>
    unwrap(
      await api.PUT("/api/v1/inform/announcements/{announcement_id}/withdrawn", {
        params: { path: { announcement_id: announcementId } },
        body: { withdrawn },
      }),
    ),
  remove: async (announcementId: number) => {
    const r = await api.DELETE("/api/v1/inform/announcements/{announcement_id}", { params: { path: { announcement_id: announcementId } } });
    if (!r.response.ok) unwrap(r);
  },
};

/**
 * The site profile of the caller's own body (its `can_edit` says whether the caller is one of its profile
 * administrators). Same query key as the site pages' profile query, so both share one cached answer.
 */
export function useOwnProfile(organizationId: number, enabled: boolean) {
  const { status } = useAuth();
  return useQuery({
    queryKey: ["profile", organizationId, status, "profile"],
    enabled,
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/organizations/{organization_id}/profile", { params: { path: { organization_id: organizationId } } })),
  });
}
