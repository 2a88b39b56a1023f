import { expect, test } from "@playwright/test";
import { dataPackage } from "./files";
import { baseUrl } from "./helpers";

/**
 * The data package over HTTP (issue 17): the administrator clicks from the start page to the tree, starts the
 * export of their body, follows its progress, downloads the zip once; the package's descriptor lists the tables,
 * its CSVs hold the rows it declares, and the total matches what the page said.
 */
test("an administrator exports the body's data package and downloads it", async ({ page }, info) => {
  test.setTimeout(240_000);
  await page.goto(`${baseUrl()}/login`);
  await page.getByLabel(/^Логин/).fill("admin");
  await page.getByLabel(/^Пароль/).fill("demo12345");
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await page.getByRole("button", { name: "Учётная запись" }).click();
  await page.getByRole("menuitem", { name: "Дерево организаций" }).click();
  await expect(page.getByRole("heading", { name: "Дерево организаций", level: 1 })).toBeVisible();

  await page.getByRole("button", { name: "Выгрузить данные" }).click();
  const card = page.getByRole("region", { name: "Выгрузка данных" });
  const hint = card.getByText(/персональные данные/);
  await expect(hint).toBeVisible();
  const body = /организации «(.*)» и подчинённых/s.exec(await hint.innerText())?.[1] ?? "";
  expect(body).not.toBe("");
  await card.getByRole("button", { name: "Начать выгрузку" }).click();
  const done = card.getByRole("status").filter({ hasText: /^Готово: строк/ });
  await expect(done).toBeVisible({ timeout: 180_000 });
  const shownRows = Number((await done.innerText()).replace(/^Готово: строк ([\d\s\u00a0\u202f]+),.*$/s, "$1").replace(/\D/g, ""));

  const downloading = page.waitForEvent("download");
  await card.getByRole("button", { name: "Скачать архив" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^bilim-export-\d+-\d{8}-\d{4}\.zip$/);
  const path = info.outputPath(download.suggestedFilename());
  await download.saveAs(path);
  await expect(card.getByText(`Архив сохранён: ${download.suggestedFilename()}`)).toBeVisible();

  const pkg = dataPackage(path);
  expect(pkg.profile).toBe("tabular-data-package");
  const names = pkg.resources.map((r) => r.name);
  for (const table of ["organizations", "persons", "users", "classes", "marks"]) expect(names).toContain(table);
  expect(names).not.toContain("audit_log");
  // Every CSV holds the rows its resource declares; the page showed their total.
  for (const r of pkg.resources) expect(pkg.csv_rows[r.name], r.name).toBe(r.rows);
  expect(pkg.resources.reduce((sum, r) => sum + r.rows, 0)).toBe(shownRows);
  const organizations = pkg.resources.find((r) => r.name === "organizations");
  expect(organizations?.rows).toBeGreaterThan(10);
  expect(pkg.organizations).toContain(body);

  // The file is sent once: starting again is allowed, the old file is gone.
  await expect(card.getByRole("button", { name: "Начать выгрузку" })).toBeVisible();
});
