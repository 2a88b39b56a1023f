import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import type { components } from "../../../api/schema";
import { setAccessToken } from "../../../api/session";

type S = components["schemas"];
export type Account = S["AccountRead"];
export type AccountCreate = S["AccountCreate"];
export type AccountUpdate = S["AccountUpdate"];

export interface AccountQuery {
  q: string;
  status: "active" | "disabled" | null;
  offset: number;
}

/** Accounts of the bodies in the administrator's subtree. */
export function useAccounts(query: AccountQuery) {
  return useQuery({
    queryKey: ["accounts", query],
    placeholderData: keepPreviousData,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/accounts", {
          params: { query: { q: query.q.trim() || undefined, status: query.status ?? undefined, limit: 50, offset: query.offset } },
        }),
      ),
  });
}

/** A mutation that refreshes the account list afterwards. */
export function useAccountMutation<V, R>(fn: (vars: V) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => client.invalidateQueries({ queryKey: ["accounts"] }) });
}

export const accountsApi = {
  create: async (body: AccountCreate) => unwrap(await api.POST("/api/v1/accounts", { body })),
  update: async (id: number, body: AccountUpdate) =>
    unwrap(await api.PATCH("/api/v1/accounts/{account_id}", { params: { path: { account_id: id } }, body })),
  resetPassword: async (id: number, password: string) => {
    const r = await api.POST("/api/v1/accounts/{account_id}/password", { params: { path: { account_id: id } }, body: { password } });
    if (!r.response.ok) unwrap(r);
  },
  /** Change one's own password; the session continues with the new tokens. */
  changeOwnPassword: async (current_password: string, new_password: string) => {
    const body = unwrap(await api.POST("/api/v1/auth/password", { body: { current_password, new_password } }));
    setAccessToken(body.access_token);
  },
};

/** A one-time password: 12 characters from an alphabet without look-alikes, from the browser's CSPRNG. */
export function oneTimePassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const limit = 256 - (256 % alphabet.length); // rejection sampling: every character equally likely
  let out = "";
  while (out.length < 12) {
    for (const b of crypto.getRandomValues(new Uint8Array(16))) if (b < limit && out.length < 12) out += alphabet[b % alphabet.length];
  }
  return out;
}
