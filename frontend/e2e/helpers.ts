import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const USERNAME = "region";
export const PASSWORD = "demo12345";
const here = dirname(fileURLToPath(import.meta.url));
export const SCREENSHOTS = resolve(here, "../../docs/screenshots");

/** The app's address (set by global-setup). */
export function baseUrl(): string {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error("E2E_BASE_URL is not set: run through playwright.config.ts");
  return url;
}

/** Save a 1280 px screenshot under docs/screenshots when SCREENSHOTS=1 (`make screenshots`). */
export async function shoot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS !== "1") return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: resolve(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** Fill the login form and submit it. */
export async function logIn(page: Page): Promise<void> {
  await page.getByLabel(/^Логин/).fill(USERNAME);
  await page.getByLabel(/^Пароль/).fill(PASSWORD);
  await page.getByRole("button", { name: "Войти" }).click();
}

/** A bearer token for direct API calls (the figures the UI must show). */
export async function apiToken(request: APIRequestContext): Promise<string> {
  const response = await request.post(`${baseUrl()}/api/v1/auth/login`, {
    data: { username: USERNAME, password: PASSWORD },
  });
  expect(response.ok()).toBeTruthy();
  return ((await response.json()) as { access_token: string }).access_token;
}

/** The number in a count line like «Всего 24 ОУ». */
export function countOf(text: string): number {
  const match = /(\d[\d\s\u00a0]*)/.exec(text);
  if (!match) throw new Error(`no number in the count line ${JSON.stringify(text)}`);
  return Number(match[1].replace(/[\s\u00a0]/g, ""));
}

/** Pick the first value (other than the one chosen) of a cascade filter; returns its label. */
export async function chooseFirst(page: Page, label: string): Promise<string> {
  await page.getByRole("textbox", { name: label, exact: true }).click();
  const option = page.getByRole("option").first();
  await expect(option).toBeVisible();
  const text = (await option.textContent()) ?? "";
  await option.click();
  return text.trim();
}
