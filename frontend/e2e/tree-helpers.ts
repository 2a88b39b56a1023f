import { expect, type Locator, type Page, type TestInfo } from "@playwright/test";
import { registryFile } from "./files";

/** Steps of «Дерево организаций» shared by the tree, registry-import and first-run specs (issue 16). */

/** On the tree page: add a district of the region and its district education department; the children table. */
export async function addDistrictAndBody(page: Page, district: string, body: string): Promise<Locator> {
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
  return table;
}

/**
 * «Импорт реестра» of 30 schools under `body`: the file with two errors is refused with each named by its
 * spreadsheet row and column (nothing written), the fixed file creates all 30; then the body's rows are checked.
 */
export async function importRegistryOf30(page: Page, table: Locator, body: string, district: string, stamp: string, info: TestInfo): Promise<void> {
  const broken = info.outputPath("registry-broken.xlsx");
  const fixed = info.outputPath("registry-fixed.xlsx");
  registryFile(broken, body, district, stamp, true);
  registryFile(fixed, body, district, stamp, false);
  await page.getByRole("button", { name: "Импорт реестра" }).click();
  const card = page.getByRole("region", { name: "Импорт реестра организаций образования" });
  await card.locator('input[type="file"]').setInputFiles(broken);
  const problems = card.getByRole("table", { name: "Ошибки в файле" }).locator("tbody tr");
  await expect(problems).toHaveCount(2);
  // Spreadsheet rows: the header is row 1, school i is row i + 1.
  await expect(problems.nth(0)).toContainText("5");
  await expect(problems.nth(0)).toContainText("Тип ОУ");
  await expect(problems.nth(0)).toContainText("неизвестный тип организации");
  await expect(problems.nth(1)).toContainText("12");
  await expect(problems.nth(1)).toContainText("Информация о лицензии");
  await expect(problems.nth(1)).toContainText("дата не в формате дд.мм.гггг");
  await expect(card.getByRole("button", { name: "Импортировать" })).toBeDisabled();

  await card.locator('input[type="file"]').setInputFiles(fixed);
  await expect(card.getByText("Будет создано: 30")).toBeVisible();
  await expect(card.getByText("Ошибок: 0")).toBeVisible();
  await card.getByRole("button", { name: "Импортировать" }).click();
  await expect(card.getByRole("status")).toHaveText("Импорт выполнен: создано 30, изменено 0.");

  await table.getByRole("button", { name: body, exact: true }).click();
  await expect(table.locator("tbody tr", { hasText: "Импортная школа №" })).toHaveCount(30);
  await expect(table.locator("tbody tr", { hasText: `Импортная школа №30 ${stamp}` })).toBeVisible();
}
