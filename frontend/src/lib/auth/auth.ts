import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import { setAccessToken } from "../../api/session";

/** Log in with a username and password; keeps the access token in memory (the refresh token is a cookie). */
export async function login(username: string, password: string): Promise<void> {
  const result = await api.POST("/api/v1/auth/login", { body: { username, password } });
  const body = unwrap(result);
  setAccessToken(body.access_token);
}

/** Log out: revoke the refresh token on the server and forget the access token. */
export async function logout(): Promise<void> {
  try {
    await api.POST("/api/v1/auth/logout");
  } finally {
    setAccessToken(null);
  }
}

/** The signed-in user: person, organization, role and scope. */
export function useMe(enabled: boolean) {
  return useQuery({
    queryKey: ["auth", "me"],
    enabled,
    staleTime: 5 * 60_000,
    queryFn: async () => unwrap(await api.GET("/api/v1/auth/me")),
  });
}
