import { expect, test } from "./fixtures";
import { chooseFirst, openFromCatalogue, scrollsSideways, shoot } from "./helpers";
import type { Page } from "@playwright/test";

/** A 390×844 phone: the report filters fold into a drawer and no page scrolls sideways. */
test.describe.configure({ mode: "parallel" });

const PHONE = { width: 390, height: 844 };
const TABS = ["Профиль", "Структура", "Люди", "Документы", "Форум", "Обратная связь"];

async function noSidewaysScroll(page: Page): Promise<void> {
  await page.waitForLoadState("networkidle");
  const { scrollWidth, clientWidth } = await scrollsSideways(page);
  expect(scrollWidth, `${page.url()} scrolls sideways`).toBeLessThanOrEqual(clientWidth);
}

test("phone: the login page does not scroll sideways", async ({ browser }) => {
  const context = await browser.newContext({ viewport: PHONE, locale: "ru-RU" });
  const page = await context.newPage();
  await page.goto(`${process.env.E2E_BASE_URL}/login`);
  await expect(page.getByRole("button", { name: "Войти" })).toBeVisible();
  await noSidewaysScroll(page);
  await context.close();
});

test("phone: the catalogue does not scroll sideways", async ({ app: page }) => {
  await page.setViewportSize(PHONE);
  await expect(page.getByRole("heading", { name: "Отчёты", level: 1 })).toBeVisible();
  await noSidewaysScroll(page);
});

test("phone: a school report keeps its filters in a drawer; the wide table scrolls inside its box only", async ({ app: page }) => {
  await page.setViewportSize(PHONE);
  await openFromCatalogue(page, { id: "school.performance.classes", title: "Успеваемость: Классы", section: "school" });
  // The first screen is not filled with filters: they open from «Фильтры».
  await expect(page.getByRole("textbox", { name: "Образовательная организация", exact: true })).toBeHidden();
  await expect(page.getByTestId("report-prompt")).toBeVisible();
  await noSidewaysScroll(page);
  await page.getByRole("button", { name: "Фильтры", exact: true }).first().click();
  const drawer = page.getByRole("dialog", { name: "Фильтры отчёта" });
  await expect(drawer).toBeVisible();
  await shoot(page, "phone-filters");
  await chooseFirst(page, "Образовательная организация");
  await page.keyboard.press("Escape");
  await expect(drawer).toBeHidden();
  await expect(page.getByRole("button", { name: /Фильтры \(выбрано: 1\)/ })).toBeVisible();
  const region = page.getByRole("region").filter({ has: page.locator("table") });
  await expect(region.locator("tbody tr").first()).toBeVisible();
  await noSidewaysScroll(page);
  await shoot(page, "phone-report");
});

test("phone: the registry does not scroll sideways", async ({ app: page }) => {
  await page.setViewportSize(PHONE);
  await openFromCatalogue(page, { id: "registry", title: "Реестр образовательных организаций", section: "management" });
  await expect(page.locator("tbody tr").first()).toBeVisible();
  await noSidewaysScroll(page);
});

for (const tab of TABS) {
  test(`phone: the profile tab «${tab}» does not scroll sideways`, async ({ app: page }) => {
    await page.setViewportSize(PHONE);
    // The top menu folds into a burger on a phone.
    const burger = page.getByRole("button", { name: "Открыть меню" });
    if (await burger.isVisible()) await burger.click();
    await page.getByRole("link", { name: "Организация" }).first().click();
    await page.getByRole("tab", { name: tab }).click();
    await expect(page.getByRole("tab", { name: tab })).toHaveAttribute("aria-selected", "true");
    await noSidewaysScroll(page);
  });
}
