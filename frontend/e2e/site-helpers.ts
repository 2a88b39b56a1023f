import { expect, type APIRequestContext, type Page } from "@playwright/test";

/** Helpers of the site-*.spec.ts flows (the organization site and accounts, issue 14). */
export const DEMO_PASSWORD = "demo12345";
export const stamp = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;

export function base(): string {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error("E2E_BASE_URL is not set: run through playwright.config.ts");
  return url;
}

/** An access token for direct API calls (setting the stage, never what the test checks). */
export async function apiLogin(request: APIRequestContext, username: string, password = DEMO_PASSWORD): Promise<string> {
  const response = await request.post(`${base()}/api/v1/auth/login`, { data: { username, password } });
  expect(response.ok(), await response.text()).toBeTruthy();
  return ((await response.json()) as { access_token: string }).access_token;
}

export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

export async function me(request: APIRequestContext, token: string): Promise<{ id: number; organization: { id: number } }> {
  const response = await request.get(`${base()}/api/v1/auth/me`, { headers: bearer(token) });
  expect(response.ok()).toBeTruthy();
  return (await response.json()) as { id: number; organization: { id: number } };
}

/** A fresh employee of a body (created by the demo administrator) whose own password is already set. */
export async function freshEmployee(
  request: APIRequestContext,
  organizationId: number,
  surname: string,
  firstName: string,
): Promise<{ username: string; password: string; id: number }> {
  const admin = await apiLogin(request, "admin");
  const username = `e2e.${stamp()}`;
  const created = await request.post(`${base()}/api/v1/accounts`, {
    headers: bearer(admin),
    data: { username, password: "one-time-123", organization_id: organizationId, role: "employee", person: { surname, first_name: firstName } },
  });
  expect(created.status(), await created.text()).toBe(201);
  const token = await apiLogin(request, username, "one-time-123");
  const password = `own-${stamp()}`;
  const changed = await request.post(`${base()}/api/v1/auth/password`, {
    headers: bearer(token),
    data: { current_password: "one-time-123", new_password: password },
  });
  expect(changed.ok(), await changed.text()).toBeTruthy();
  return { username, password, id: ((await created.json()) as { id: number }).id };
}

/** Sign in through the login page. */
export async function signIn(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto(`${base()}/login`);
  await page.getByLabel(/^Логин/).fill(username);
  await page.getByLabel(/^Пароль/).fill(password);
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

/** A valid 1×1 PNG. */
export const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);
export const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
