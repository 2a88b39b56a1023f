import { expect, test } from "@playwright/test";
import { baseUrl } from "./helpers";

/** The organization tree (issue 16): an administrator opens a district body, adds a school, closes it. */
test("an administrator adds a school to a district body and closes it", async ({ page }) => {
  const name = `Школа-лицей ${Date.now().toString(36)}`;
  await page.goto(`${baseUrl()}/login`);
  await page.getByLabel(/^Логин/).fill("admin");
  await page.getByLabel(/^Пароль/).fill("demo12345");
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page).not.toHaveURL(/\/login/);

  await page.goto(`${baseUrl()}/tree`);
  await expect(page.getByRole("heading", { name: "Дерево организаций", level: 1 })).toBeVisible();
  const table = page.getByRole("table", { name: "Подведомственные организации" });
  // The regional body keeps its region's districts; its district bodies are listed and can be opened.
  await expect(page.getByRole("form", { name: "Районы и города региона" })).toBeVisible();
  const body = table.locator("tbody tr").first().locator("td").first().getByRole("button");
  const bodyName = (await body.textContent()) ?? "";
  await body.click();
  await expect(page.getByRole("button", { name: bodyName })).toBeVisible(); // in the breadcrumbs

  const form = page.getByRole("form", { name: "Новая организация" });
  await form.getByRole("textbox", { name: /^Наименование \(рус\.\)/ }).fill(name);
  await form.getByRole("textbox", { name: /^Наименование \(каз\.\)/ }).fill(`${name} (kk)`);
  await form.getByRole("textbox", { name: /^Тип организации/ }).click();
  await page.getByRole("option").first().click();
  await form.getByRole("button", { name: "Создать" }).click();
  const row = table.locator("tbody tr", { hasText: name });
  await expect(row).toBeVisible();

  await row.getByRole("button", { name: `Закрыть: ${name}` }).click();
  await expect(row).toHaveCount(0);
  await page.getByLabel("Показывать закрытые").check();
  await expect(table.locator("tbody tr", { hasText: name })).toContainText("закрыта");
});
