import { expect, test } from "@playwright/test";
import { shoot } from "./helpers";
import { base, signIn, stamp } from "./site-helpers";

/** An administrator gives a data warehouse a read token from «Учётная запись» → «Токены интеграции», and revokes it. */
test("an administrator creates an integration token, the token reads the reports, and revoking it stops it", async ({ browser, request }) => {
  const name = `Хранилище ${stamp()}`;
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, "admin");
  await page.getByRole("button", { name: "Учётная запись" }).click();
  await page.getByRole("menuitem", { name: "Токены интеграции" }).click();
  await expect(page.getByRole("heading", { name: "Токены интеграции", level: 1 })).toBeVisible();

  const form = page.getByRole("form", { name: "Новый токен" });
  await form.getByLabel("Название").fill(name);
  await form.getByLabel("Внешняя система").fill("dwh");
  await form.getByRole("textbox", { name: "Организация" }).fill("№1");
  await page.getByRole("option").first().click();
  // Write is on by default and wants at least one kind: the server's refusal is shown in Russian, naming the field.
  await form.getByRole("button", { name: "Создать токен" }).click();
  await expect(form.getByRole("alert")).toHaveText("Недопустимое значение поля «Виды данных».");
  // A read-only token: no kinds needed.
  await form.getByRole("checkbox", { name: "Запись данных" }).uncheck();
  await form.getByRole("checkbox", { name: "Чтение отчётов" }).check();
  await form.getByRole("button", { name: "Создать токен" }).click();
  const secret = (await page.getByTestId("token-secret").textContent()) ?? "";
  expect(secret).toMatch(/^bilim_/);

  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("№1");
  await expect(row).toContainText("Чтение отчётов");
  await expect(row).toContainText("Действует");
  await shoot(page, "tokens");
  const reports = await request.get(`${base()}/api/v1/reports`, { headers: { "X-API-Token": secret } });
  expect(reports.status()).toBe(200);

  page.once("dialog", (dialog) => void dialog.accept());
  await row.getByRole("button", { name: `Отозвать: ${name}` }).click();
  await expect(row).toContainText("Отозван");
  const refused = await request.get(`${base()}/api/v1/reports`, { headers: { "X-API-Token": secret } });
  expect(refused.status()).toBe(401);
  await context.close();
});
