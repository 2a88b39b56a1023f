/**
 * The session: the access token lives in memory only (never in storage); the refresh token is an
 * httpOnly cookie the browser sends to /api/v1/auth/refresh. A 401 triggers one refresh and one retry;
 * when the refresh fails too, listeners hear "expired" and the app returns to the login page.
 */

type Listener = (event: "changed" | "expired") => void;

let accessToken: string | null = null;
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<Listener>();

const REFRESH_URL = "/api/v1/auth/refresh";
const NO_RETRY = ["/api/v1/auth/login", REFRESH_URL, "/api/v1/auth/logout"];

export function getAccessToken(): string | null {
  return accessToken;
}

export function setAccessToken(token: string | null): void {
  accessToken = token;
  listeners.forEach((l) => l("changed"));
}

export function onSession(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Exchange the refresh cookie for a new access token; concurrent callers share one request. */
export function refreshSession(): Promise<boolean> {
  if (!refreshing) {
    refreshing = (async () => {
      try {
        const response = await fetch(new URL(REFRESH_URL, window.location.origin), {
          method: "POST",
          credentials: "same-origin",
        });
        if (!response.ok) return false;
        const body = (await response.json()) as { access_token?: string };
        if (!body.access_token) return false;
        setAccessToken(body.access_token);
        return true;
      } catch {
        return false;
      } finally {
        refreshing = null;
      }
    })();
  }
  return refreshing;
}

function withToken(request: Request): Request {
  const next = new Request(request, { credentials: "same-origin" });
  if (accessToken) next.headers.set("Authorization", `Bearer ${accessToken}`);
  return next;
}

/** fetch with the bearer token; on 401 refreshes the session once and repeats the request. */
export async function authFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const original =
    input instanceof Request ? new Request(input, init) : new Request(new URL(String(input), window.location.origin), init);
  const path = new URL(original.url, window.location.origin).pathname;
  const retryCopy = original.clone();
  const hadToken = accessToken !== null;
  const response = await fetch(withToken(original));
  if (response.status !== 401 || NO_RETRY.includes(path)) return response;
  const renewed = await refreshSession();
  if (!renewed) {
    if (hadToken || accessToken === null) {
      accessToken = null;
      listeners.forEach((l) => l("expired"));
    }
    return response;
  }
  return fetch(withToken(retryCopy));
}
