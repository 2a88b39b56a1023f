import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import type { components } from "./schema";

export type DirectoryRead = components["schemas"]["DirectoryRead"];
export type DirectoryEntry = components["schemas"]["SubordinateRead"];

/** The public directory: management bodies and the organizations matching a search. */
export function useDirectory(q: string) {
  return useQuery({
    queryKey: ["directory", q],
    queryFn: async () => unwrap(await api.GET("/api/v1/directory", { params: { query: { q: q || undefined, limit: 50 } } })),
  });
}
