import { expect, test } from "@playwright/test";
import { base, signIn, stamp } from "./site-helpers";

/** Issue 14: accounts in the browser — created with a one-time password that must be changed; own password change. */
test("an administrator creates an account; the new user must change the one-time password, then changes it again", async ({ browser }) => {
  const username = `e2e.acc.${stamp()}`;
  const admin = await browser.newContext();
  const page = await admin.newPage();
  await signIn(page, "admin");
  await page.getByRole("button", { name: "Учётная запись" }).click();
  await page.getByRole("menuitem", { name: "Учётные записи" }).click();
  await expect(page).toHaveURL(/\/accounts$/);
  const form = page.getByRole("form", { name: "Новая учётная запись" });
  await form.getByLabel(/^Логин/).fill(username);
  await form.getByLabel("Фамилия").fill("Абенова");
  await form.getByLabel("Имя").fill("Гульнара");
  await form.getByRole("textbox", { name: "Орган управления" }).click();
  await page.getByRole("option", { name: "Отдел образования города Тест" }).click();
  await form.getByRole("button", { name: "Создать" }).click();
  const oneTime = (await page.getByTestId("one-time-password").textContent())?.trim() ?? "";
  expect(oneTime).toMatch(/^[A-Za-z0-9]{12}$/);
  await page.getByLabel("Поиск по логину или имени").fill(username);
  await expect(page.getByRole("cell", { name: `${username} Абенова Гульнара` })).toBeVisible();
  if (process.env.SCREENSHOTS === "1") await page.screenshot({ path: "../docs/screenshots/accounts.png", fullPage: false });

  const user = await browser.newContext();
  const userPage = await user.newPage();
  await signIn(userPage, username, oneTime);
  await expect(userPage).toHaveURL(/\/account\/password$/);
  await expect(userPage.getByRole("alert")).toContainText("одноразовым паролем");
  // Nothing else opens until the password is changed.
  await userPage.goto(`${base()}/reports`);
  await expect(userPage).toHaveURL(/\/account\/password$/);
  const own = `Own-${stamp()}`;
  await userPage.getByLabel("Текущий пароль").fill(oneTime);
  await userPage.getByLabel(/^Новый пароль\s*\*?$/).fill(own);
  await userPage.getByLabel("Новый пароль ещё раз").fill(own);
  await userPage.getByRole("button", { name: "Сменить пароль" }).click();
  await expect(userPage).toHaveURL(/\/reports$/);

  // A user changes their own password from the account menu; the old one stops working.
  await userPage.getByRole("button", { name: "Учётная запись" }).click();
  await userPage.getByRole("menuitem", { name: "Сменить пароль" }).click();
  const next = `Next-${stamp()}`;
  await userPage.getByLabel("Текущий пароль").fill("wrong-password");
  await userPage.getByLabel(/^Новый пароль\s*\*?$/).fill(next);
  await userPage.getByLabel("Новый пароль ещё раз").fill(next);
  await userPage.getByRole("button", { name: "Сменить пароль" }).click();
  await expect(userPage.getByRole("alert")).toBeVisible();
  await expect(userPage.getByRole("alert")).not.toContainText("current_password");
  await userPage.getByLabel("Текущий пароль").fill(own);
  await userPage.getByRole("button", { name: "Сменить пароль" }).click();
  await expect(userPage.getByRole("status")).toContainText("Пароль изменён");
  const old = await userPage.request.post(`${base()}/api/v1/auth/login`, { data: { username, password: own } });
  expect(old.status()).toBe(401);
  const fresh = await userPage.request.post(`${base()}/api/v1/auth/login`, { data: { username, password: next } });
  expect(fresh.ok()).toBeTruthy();

  // The administrator disables the account: it can no longer sign in.
  await page.getByRole("button", { name: `Отключить: ${username}` }).click();
  await expect(page.getByRole("button", { name: `Включить: ${username}` })).toBeVisible();
  const blocked = await userPage.request.post(`${base()}/api/v1/auth/login`, { data: { username, password: next } });
  expect(blocked.ok()).toBeFalsy();
  await admin.close();
  await user.close();
});
