import { expect, test } from "@playwright/test";
import { registryFile } from "./files";
import { baseUrl } from "./helpers";

/**
 * Registry import (issue 16): the regional administrator clicks from the start page to the tree, makes a district
 * and its body (its own, named to sort last, so other specs never see these schools), uploads a registry of 30
 * schools with two errors — the preview names their row and column — then the fixed file imports all 30.
 */
test("an administrator imports a registry of 30 schools: errors by row and column, then all of them", async ({ page }, info) => {
  const stamp = Date.now().toString(36);
  const district = `Ясный район ${stamp}`;
  const body = `Отдел образования Ясного района ${stamp}`;
  await page.goto(`${baseUrl()}/login`);
  await page.getByLabel(/^Логин/).fill("admin");
  await page.getByLabel(/^Пароль/).fill("demo12345");
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await page.getByRole("button", { name: "Учётная запись" }).click();
  await page.getByRole("menuitem", { name: "Дерево организаций" }).click();
  await expect(page.getByRole("heading", { name: "Дерево организаций", level: 1 })).toBeVisible();

  const districts = page.getByRole("form", { name: "Районы и города региона" });
  await districts.getByRole("textbox", { name: /^Название \(рус\.\)/ }).fill(district);
  await districts.getByRole("textbox", { name: /^Название \(каз\.\)/ }).fill(`${district} (kk)`);
  await districts.getByRole("button", { name: "Добавить" }).click();
  await expect(districts.getByText(district)).toBeVisible();
  const form = page.getByRole("form", { name: "Новая организация" });
  await form.getByRole("textbox", { name: /^Вид/ }).click();
  await page.getByRole("option", { name: "Районный отдел образования" }).click();
  await form.getByRole("textbox", { name: /^Наименование \(рус\.\)/ }).fill(body);
  await form.getByRole("textbox", { name: /^Район \/ город/ }).click();
  await page.getByRole("option", { name: district }).click();
  await form.getByRole("button", { name: "Создать" }).click();
  const table = page.getByRole("table", { name: "Подведомственные организации" });
  await expect(table.getByRole("button", { name: body, exact: true })).toBeVisible();

  const broken = info.outputPath("registry-broken.xlsx");
  const fixed = info.outputPath("registry-fixed.xlsx");
  registryFile(broken, body, district, stamp, true);
  registryFile(fixed, body, district, stamp, false);

  await page.getByRole("button", { name: "Импорт реестра" }).click();
  const card = page.getByRole("region", { name: "Импорт реестра организаций образования" });
  await card.locator('input[type="file"]').setInputFiles(broken);
  const problems = card.getByRole("table", { name: "Ошибки в файле" });
  await expect(problems.locator("tbody tr")).toHaveCount(2);
  // Spreadsheet rows: the header is row 1, school i is row i + 1.
  await expect(problems.locator("tbody tr").nth(0)).toContainText("5");
  await expect(problems.locator("tbody tr").nth(0)).toContainText("Тип ОУ");
  await expect(problems.locator("tbody tr").nth(0)).toContainText("неизвестный тип организации");
  await expect(problems.locator("tbody tr").nth(1)).toContainText("12");
  await expect(problems.locator("tbody tr").nth(1)).toContainText("Информация о лицензии");
  await expect(problems.locator("tbody tr").nth(1)).toContainText("дата не в формате дд.мм.гггг");
  await expect(card.getByRole("button", { name: "Импортировать" })).toBeDisabled();

  await card.locator('input[type="file"]').setInputFiles(fixed);
  await expect(card.getByText("Будет создано: 30")).toBeVisible();
  await expect(card.getByText("Ошибок: 0")).toBeVisible();
  await card.getByRole("button", { name: "Импортировать" }).click();
  await expect(card.getByRole("status")).toHaveText("Импорт выполнен: создано 30, изменено 0.");

  // The 30 schools are in the tree, under the body.
  await table.getByRole("button", { name: body, exact: true }).click();
  await expect(table.locator("tbody tr", { hasText: `Импортная школа №` })).toHaveCount(30);
  await expect(table.locator("tbody tr", { hasText: `Импортная школа №30 ${stamp}` })).toBeVisible();
});
