import { afterEach, describe, expect, it, vi } from "vitest";
import { authFetch, getAccessToken, onSession, setAccessToken } from "./session";

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

afterEach(() => {
  vi.unstubAllGlobals();
  setAccessToken(null);
});

describe("authFetch", () => {
  it("sends the bearer token, refreshes once on 401 and repeats the request with the new token", async () => {
    setAccessToken("old");
    const seen: string[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (input: RequestInfo, init?: RequestInit) => {
        const request = new Request(input, init);
        const path = new URL(request.url).pathname;
        seen.push(`${path} ${request.headers.get("Authorization") ?? ""}`);
        if (path === "/api/v1/auth/refresh") return json(200, { access_token: "new", token_type: "bearer", expires_in: 900 });
        return request.headers.get("Authorization") === "Bearer new" ? json(200, { ok: true }) : json(401, {});
      }),
    );
    const response = await authFetch("/api/v1/reports");
    expect(response.status).toBe(200);
    expect(getAccessToken()).toBe("new");
    expect(seen).toEqual(["/api/v1/reports Bearer old", "/api/v1/auth/refresh ", "/api/v1/reports Bearer new"]);
  });

  it("announces an expired session when the refresh fails too, and does not loop", async () => {
    setAccessToken("old");
    const events: string[] = [];
    const off = onSession((e) => events.push(e));
    const fetchMock = vi.fn(async () => json(401, {}));
    vi.stubGlobal("fetch", fetchMock);
    const response = await authFetch("/api/v1/reports");
    off();
    expect(response.status).toBe(401);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(events).toContain("expired");
    expect(getAccessToken()).toBeNull();
  });

  it("never retries the login call itself", async () => {
    const fetchMock = vi.fn(async () => json(401, {}));
    vi.stubGlobal("fetch", fetchMock);
    const response = await authFetch("/api/v1/auth/login", { method: "POST", body: "{}" });
    expect(response.status).toBe(401);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});
