import { expect, test } from "@playwright/test";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { accountsFile, passwords } from "./files";
import { signIn, stamp } from "./site-helpers";

/** Issue 16, item 4: accounts from an .xlsx — preview with row/column problems, then all at once, passwords once. */
test("an administrator uploads a list of people, fixes the file, creates the accounts and downloads the passwords", async ({ browser }) => {
  const s = stamp();
  const login = `bulk.${s}`.toLowerCase();
  const dir = tmpdir();
  const bad = join(dir, `bulk-bad-${s}.xlsx`);
  const good = join(dir, `bulk-good-${s}.xlsx`);
  const body = "Отдел образования города Тест";
  accountsFile(bad, [
    ["Абенова", "Гульнара", "", body, "Методист", "сотрудник", login],
    ["Серiков", "Данияр", "", "Нет такого органа", "", "", ""],
  ]);
  accountsFile(good, [
    ["Абенова", "Гульнара", "", body, "Методист", "сотрудник", login],
    ["Серiков", "Данияр", "", body, "", "", ""],
  ]);

  const admin = await browser.newContext();
  const page = await admin.newPage();
  await signIn(page, "admin");
  await page.getByRole("button", { name: "Учётная запись" }).click();
  await page.getByRole("menuitem", { name: "Учётные записи" }).click();
  await page.getByRole("link", { name: "Загрузить списком" }).click();
  await expect(page.getByRole("heading", { name: "Учётные записи списком", level: 1 })).toBeVisible();

  const chooserbad = page.waitForEvent("filechooser");
  await page.getByLabel("Файл .xlsx").click();
  await (await chooserbad).setFiles(bad);
  await page.getByRole("button", { name: "Проверить" }).click();
  const problem = page.getByTestId("bulk-problem");
  await expect(problem).toHaveCount(1);
  await expect(problem).toContainText("3");
  await expect(problem).toContainText("D Орган");
  await expect(problem).toContainText("Нет такого действующего органа управления");
  await expect(page.getByRole("button", { name: /^Создать учётные записи/ })).toHaveCount(0);

  const choosergood = page.waitForEvent("filechooser");
  await page.getByLabel("Файл .xlsx").click();
  await (await choosergood).setFiles(good);
  await page.getByRole("button", { name: "Проверить" }).click();
  await expect(page.getByTestId("bulk-problem")).toHaveCount(0);
  await expect(page.getByTestId("bulk-row")).toHaveCount(2);
  await expect(page.getByTestId("bulk-row").first()).toContainText(login);
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Создать учётные записи (2) и скачать пароли" }).click();
  const download = await downloading;
  const saved = join(dir, `bulk-passwords-${s}.xlsx`);
  await download.saveAs(saved);
  await expect(page.getByRole("status")).toContainText("единственная копия");
  const pairs = passwords(saved);
  expect(pairs.map((p) => p[0])).toEqual([login, expect.stringMatching(/^serikov\.d/)]);
  const oneTime = pairs[0][1];
  expect(oneTime).toMatch(/^[A-Za-z0-9]{12}$/);

  // The new employee signs in with the one-time password and must set their own first.
  const user = await browser.newContext();
  const userPage = await user.newPage();
  await signIn(userPage, login, oneTime);
  await expect(userPage).toHaveURL(/\/account\/password$/);
  const own = `Own-${s}`;
  await userPage.getByLabel("Текущий пароль").fill(oneTime);
  await userPage.getByLabel(/^Новый пароль\s*\*?$/).fill(own);
  await userPage.getByLabel("Новый пароль ещё раз").fill(own);
  await userPage.getByRole("button", { name: "Сменить пароль" }).click();
  await expect(userPage).not.toHaveURL(/\/account\/password$/);
  await admin.close();
  await user.close();
});
