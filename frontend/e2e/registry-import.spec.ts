import { expect, test } from "@playwright/test";
import { baseUrl } from "./helpers";
import { addDistrictAndBody, importRegistryOf30 } from "./tree-helpers";

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

  const table = await addDistrictAndBody(page, district, body);
  await importRegistryOf30(page, table, body, district, stamp, info);
});
