import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import type { components } from "../../../api/schema";

type S = components["schemas"];
export type Token = S["TokenRead"];
export type TokenCreate = S["TokenCreate"];

/** The API tokens of the administrator's subtree and the kinds of data a write token may be given. */
export function useTokens() {
  return useQuery({
    queryKey: ["integration-tokens"],
    queryFn: async () => unwrap(await api.GET("/api/v1/integration/tokens")),
  });
}

/** A mutation that refreshes the token list afterwards. */
export function useTokenMutation<V, R>(fn: (vars: V) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => client.invalidateQueries({ queryKey: ["integration-tokens"] }) });
}

export const tokensApi = {
  create: async (body: TokenCreate) => unwrap(await api.POST("/api/v1/integration/tokens", { body })),
  revoke: async (id: number) =>
    unwrap(await api.DELETE("/api/v1/integration/tokens/{token_id}", { params: { path: { token_id: id } } })),
};
