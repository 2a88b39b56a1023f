import { expect, test } from "@playwright/test";
import { baseUrl } from "./helpers";
import { addDistrictAndBody } from "./tree-helpers";

/**
 * The organization tree (issue 16): the regional administrator adds a district, its district body and a school
 * there, then closes the school. All of it in a district of its own (named to sort last), so that the other specs,
 * which pick the first district and count its schools, never see it.
 */
test("an administrator adds a district, its body and a school, and closes the school", async ({ page }) => {
  const stamp = Date.now().toString(36);
  const district = `Ясный район ${stamp}`;
  const body = `Отдел образования Ясного района ${stamp}`;
  const school = `Школа-лицей ${stamp}`;
  await page.goto(`${baseUrl()}/login`);
  await page.getByLabel(/^Логин/).fill("admin");
  await page.getByLabel(/^Пароль/).fill("demo12345");
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page).not.toHaveURL(/\/login/);

  await page.goto(`${baseUrl()}/tree`);
  await expect(page.getByRole("heading", { name: "Дерево организаций", level: 1 })).toBeVisible();
  const table = await addDistrictAndBody(page, district, body);
  const form = page.getByRole("form", { name: "Новая организация" });
  await table.getByRole("button", { name: body, exact: true }).click();
  await expect(page.getByRole("button", { name: body, exact: true })).toHaveCount(1); // now in the breadcrumbs

  await form.getByRole("textbox", { name: /^Наименование \(рус\.\)/ }).fill(school);
  await form.getByRole("textbox", { name: /^Тип организации/ }).click();
  await page.getByRole("option").first().click();
  await form.getByRole("button", { name: "Создать" }).click();
  const row = table.locator("tbody tr", { hasText: school });
  await expect(row).toBeVisible();

  await row.getByRole("button", { name: `Закрыть: ${school}` }).click();
  await expect(row).toHaveCount(0);
  await page.getByLabel("Показывать закрытые").check();
  await expect(table.locator("tbody tr", { hasText: school })).toContainText("закрыта");
});
