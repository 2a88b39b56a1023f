import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, multipart, unwrap } from "../../../api/client";
import type { components } from "../../../api/schema";

type S = components["schemas"];
export type TreeOrganization = S["TreeOrganization"];
export type OrganizationCreate = S["OrganizationCreate"];
export type DistrictCreate = S["DistrictCreate"];

const path = (id: number) => ({ params: { path: { organization_id: id } } });

export function useOrganization(id: number | undefined) {
  return useQuery({
    queryKey: ["tree", "organization", id],
    enabled: id !== undefined,
    queryFn: async () => unwrap(await api.GET("/api/v1/tree/organizations/{organization_id}", path(id ?? 0))),
  });
}

export function useChildren(parentId: number | undefined, includeClosed: boolean) {
  return useQuery({
    queryKey: ["tree", "children", parentId, includeClosed],
    enabled: parentId !== undefined,
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/tree/organizations", { params: { query: { parent_id: parentId, include_closed: includeClosed, limit: 500 } } })),
  });
}

export function useBodies() {
  return useQuery({ queryKey: ["tree", "bodies"], queryFn: async () => unwrap(await api.GET("/api/v1/tree/bodies")) });
}

export function useTypes() {
  return useQuery({ queryKey: ["tree", "types"], queryFn: async () => unwrap(await api.GET("/api/v1/tree/organization-types")) });
}

export function useRegions() {
  return useQuery({ queryKey: ["tree", "regions"], queryFn: async () => unwrap(await api.GET("/api/v1/tree/regions")) });
}

export function useDistricts(regionId: number | null | undefined) {
  return useQuery({
    queryKey: ["tree", "districts", regionId],
    enabled: regionId != null,
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/tree/regions/{region_id}/districts", { params: { path: { region_id: regionId ?? 0 } } })),
  });
}

/** A mutation that refreshes everything of the tree afterwards. */
export function useTreeMutation<V, R>(fn: (vars: V) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => client.invalidateQueries({ queryKey: ["tree"] }) });
}

export const treeApi = {
  create: async (body: OrganizationCreate) => unwrap(await api.POST("/api/v1/tree/organizations", { body })),
  move: async (id: number, parent_id: number) =>
    unwrap(await api.POST("/api/v1/tree/organizations/{organization_id}/move", { ...path(id), body: { parent_id } })),
  close: async (id: number) => unwrap(await api.POST("/api/v1/tree/organizations/{organization_id}/close", { ...path(id), body: {} })),
  reopen: async (id: number) => unwrap(await api.POST("/api/v1/tree/organizations/{organization_id}/reopen", path(id))),
  createDistrict: async (body: DistrictCreate) => unwrap(await api.POST("/api/v1/tree/districts", { body })),
};

export type ImportPreview = S["RegistryImportResult"];

/** Preview (hash null: nothing is written) or apply the registry file. */
export async function registryImport(file: File, confirmHash: string | null): Promise<ImportPreview> {
  const body = { file: file as unknown as string, confirm_hash: confirmHash || undefined };
  return unwrap(await api.POST("/api/v1/tree/registry-import", { body, bodySerializer: multipart }));
}
