import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "./fixtures";
import { chooseFirst, openFromCatalogue } from "./helpers";
import type { Page } from "@playwright/test";

/** Accessibility (axe-core): no violation of impact serious or critical on the main pages. */
test.describe.configure({ mode: "parallel" });

const TABS = ["Профиль", "Структура", "Люди", "Документы", "Форум", "Обратная связь"];

async function expectAccessible(page: Page): Promise<void> {
  await page.waitForLoadState("networkidle");
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  expect(bad, page.url()).toEqual([]);
}

test("a11y: the login page", async ({ browser }) => {
  const context = await browser.newContext({ locale: "ru-RU" });
  const page = await context.newPage();
  await page.goto(`${process.env.E2E_BASE_URL}/login`);
  await expect(page.getByRole("button", { name: "Войти" })).toBeVisible();
  await expectAccessible(page);
  await context.close();
});

test("a11y: the catalogue", async ({ app: page }) => {
  await expect(page.getByRole("heading", { name: "Отчёты", level: 1 })).toBeVisible();
  await expectAccessible(page);
});

test("a11y: a management report with its filters and table", async ({ app: page }) => {
  await openFromCatalogue(page, { id: "registry", title: "Реестр образовательных организаций", section: "management" });
  await expect(page.locator("tbody tr").first()).toBeVisible();
  await expectAccessible(page);
});

test("a11y: a school report asking for the school, then with its table", async ({ app: page }) => {
  await openFromCatalogue(page, { id: "school.marks.average", title: "Средний балл", section: "school" });
  await expect(page.getByTestId("report-prompt")).toBeVisible();
  await expectAccessible(page);
  await chooseFirst(page, "Образовательная организация");
  await expect(page.locator("tbody tr").first()).toBeVisible();
  await expectAccessible(page);
});

for (const tab of TABS) {
  test(`a11y: the profile tab «${tab}»`, async ({ app: page }) => {
    await page.getByRole("navigation", { name: "Главное меню" }).getByRole("link", { name: "Организация" }).click();
    await page.getByRole("tab", { name: tab }).click();
    await expect(page.getByRole("tab", { name: tab })).toHaveAttribute("aria-selected", "true");
    await expectAccessible(page);
  });
}
