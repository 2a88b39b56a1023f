import { expect, type APIRequestContext, type BrowserContext, type Locator, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
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
  const box = page.getByRole("textbox", { name: label, exact: true });
  await box.click();
  const option = page.getByRole("option").first();
  await expect(option).toBeVisible();
  await option.click();
  // What was chosen is what the field shows: the list may be re-rendered (its options loaded) between reading an
  // option's text and the click, so the option's text is not the truth.
  await expect(page.getByRole("listbox")).toHaveCount(0);
  await expect(box).not.toHaveValue("");
  return (await box.inputValue()).trim();
}

/** Pick the first value of a filter whose label matches `pattern`; returns its label. */
export async function chooseMatching(page: Page, label: string, pattern: RegExp): Promise<string> {
  const box = page.getByRole("textbox", { name: label, exact: true });
  await box.click();
  const option = page.getByRole("option", { name: pattern }).first();
  await expect(option).toBeVisible();
  await option.click();
  // What was chosen is what the field shows: the list may be re-rendered (its options loaded) between reading an
  // option's text and the click, so the option's text is not the truth.
  await expect(page.getByRole("listbox")).toHaveCount(0);
  await expect(box).not.toHaveValue("");
  return (await box.inputValue()).trim();
}

/** Log a browser context in through the API: its cookie jar gets the refresh cookie the SPA restores from. */
export async function logInContext(context: BrowserContext, username = USERNAME): Promise<void> {
  const response = await context.request.post(`${baseUrl()}/api/v1/auth/login`, {
    data: { username, password: PASSWORD },
  });
  expect(response.ok()).toBeTruthy();
}

/** A report of the catalogue as GET /api/v1/reports lists it. */
export interface CatalogueReport {
  id: string;
  title: string;
  section: string;
  filters: string[];
  requires_organization: boolean;
  paginated: boolean;
}

/**
 * The report catalogue at collection time (test files are listed before the app starts): the same definitions
 * GET /api/v1/reports answers, read from the backend's report registry; reports.spec.ts checks the two agree.
 * Cached per run: every worker loads the test files.
 */
export function catalogueAtCollection(): CatalogueReport[] {
  const cache = resolve(tmpdir(), `bilim-e2e-catalogue-${process.env.BILIM_E2E_RUN ?? "x"}.json`);
  if (existsSync(cache)) return JSON.parse(readFileSync(cache, "utf8")) as CatalogueReport[];
  const root = resolve(here, "../..");
  const python = process.env.PYTHON ?? resolve(root, ".venv/bin/python");
  const script = [
    "import json",
    "from api.services.reports import registry",
    "out = [dict(id=d.id, title=d.title['ru'], section=d.section, filters=list(d.filters),",
    "            requires_organization=d.requires_organization, paginated=d.paginated)",
    "       for d in registry.load_all().values()]",
    "print(json.dumps(out, ensure_ascii=False))",
  ].join("\n");
  const text = execFileSync(python, ["-c", script], { cwd: root, encoding: "utf8", env: { ...process.env, BILIM_ENVIRONMENT: "dev" } });
  writeFileSync(cache, text);
  return JSON.parse(text) as CatalogueReport[];
}

/** The text of a table cell without the extra links the UI adds to it (e.g. «отчёты →» by a school's name). */
export async function cellTexts(row: Locator): Promise<string[]> {
  return row.locator("td").evaluateAll((cells) =>
    cells.map((cell) => {
      const copy = cell.cloneNode(true) as HTMLElement;
      copy.querySelectorAll("[data-cell-extra]").forEach((el) => el.remove());
      return (copy.textContent ?? "").trim();
    }),
  );
}

/** Whether the document scrolls sideways (the page must not; wide tables scroll inside their own box). */
export async function scrollsSideways(page: Page): Promise<{ scrollWidth: number; clientWidth: number }> {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
}

/** English words and untranslated i18n keys that must not show in the ru or kk UI. */
const ENGLISH_WORDS =
  /\b(the|report|reports|error|not found|choose|organization|school|filters?|loading|export|print|total|invalid|input|should|valid|integer|date|visitors|page|download)\b/i;
const I18N_KEY = /\b(?:app|menu|auth|catalogue|report|filter|errors|profile|tabs|site)\.[a-zA-Z_]+(?:\.[a-zA-Z_]+)*\b/;

/**
 * The page shows no i18n key and, unless English is chosen, no English word. Retried: after a language switch the
 * data fetched in the previous language stays on screen (placeholder data) until the new answer arrives.
 */
export async function expectTranslated(page: Page, lang: string, what: string = lang): Promise<void> {
  await expect(async () => {
    const text = await page.locator("body").innerText();
    expect(text, what).not.toMatch(I18N_KEY);
    if (lang !== "en") expect(text.match(ENGLISH_WORDS), what).toBeNull();
  }).toPass({ timeout: 10_000 });
}

/** The visible text of the page's main content (not scripts, not hidden nodes). */
export async function visibleText(page: Page): Promise<string> {
  return page.locator("body").innerText();
}

/** A string as a literal inside a RegExp. */
export const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Click a report in the catalogue, as the menu of figure 6 shows it. */
export async function openFromCatalogue(page: Page, r: { id: string; title: string; section: string }): Promise<void> {
  await expect(page.getByRole("heading", { name: "Отчёты", level: 1 })).toBeVisible();
  if (r.section === "management") {
    await page.locator("section[aria-labelledby=cat-management]").getByRole("link", { name: new RegExp(`^${esc(r.title)}`) }).click();
  } else {
    const section = page.locator("section[aria-labelledby=cat-school]");
    const at = r.title.indexOf(": ");
    if (at < 0) {
      await section.getByRole("link", { name: r.title, exact: true }).click();
    } else {
      const [head, label] = [r.title.slice(0, at), r.title.slice(at + 2)];
      const card = section.locator("[class*=groupCard]").filter({ has: page.getByText(head, { exact: true }) });
      await card.getByRole("link", { name: new RegExp(`^(${esc(label)}|${esc(r.title)})$`) }).first().click();
    }
  }
  await expect(page).toHaveURL(new RegExp(`/reports/${esc(r.id)}(\\?|$)`));
}

/** Choose what the report waits for: the school, then the class or teacher it asks for. */
export async function chooseWhatItNeeds(page: Page, r: { requires_organization: boolean }): Promise<void> {
  const prompt = page.getByTestId("report-prompt");
  if (r.requires_organization) {
    await expect(prompt).toContainText("образовательной организации");
    await expect(page.getByRole("alert")).toHaveCount(0);
    await chooseFirst(page, "Образовательная организация");
  }
  const table = page.getByRole("region").filter({ has: page.locator("table") });
  const asks = prompt.filter({ hasText: /класс|учител/ });
  await expect(table.or(asks).first()).toBeVisible();
  if (await asks.isVisible()) {
    await expect(page.getByRole("alert")).toHaveCount(0);
    await chooseFirst(page, (await asks.innerText()).includes("класс") ? "Класс" : "Учитель");
  }
  await expect(table).toBeVisible();
}

