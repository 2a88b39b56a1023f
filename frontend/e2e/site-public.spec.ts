import { expect, test } from "@playwright/test";
import { base } from "./site-helpers";

/** Issue 14: an anonymous visitor starts at /, finds a school in the directory, reads its profile and documents. */
test("an anonymous visitor finds a school through the directory and reads its documents", async ({ page }) => {
  // A school of the demo, to look for by the first word of its name.
  const all = (await (await page.request.get(`${base()}/api/v1/directory?q=%D0%A8%D0%BA%D0%BE%D0%BB%D0%B0&limit=100`)).json()) as {
    items: { id: number; kind: string; name_ru: string }[];
  };
  const listed = (await (await page.request.get(`${base()}/api/v1/directory?q=${encodeURIComponent("№")}&limit=100`)).json()) as {
    items: { id: number; kind: string; name_ru: string }[];
  };
  const school = [...listed.items, ...all.items].find((o) => o.kind === "school");
  expect(school).toBeTruthy();

  await page.goto(`${base()}/`);
  await expect(page.getByRole("heading", { level: 1, name: "Организации образования" })).toBeVisible();
  const bodies = page.locator("section[aria-labelledby='bodies']");
  await expect(bodies.getByRole("link", { name: "Управление образования Тестового региона" })).toBeVisible();
  await page.getByLabel("Название или район").fill(school!.name_ru.slice(0, 12));
  await expect(page.getByText(/^Найдено: \d+/)).toBeVisible();
  await page.locator("section[aria-labelledby='search']").getByRole("link", { name: school!.name_ru, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${school!.id}$`));
  await expect(page.getByRole("heading", { level: 1, name: school!.name_ru })).toBeVisible();
  await expect(page.getByRole("article", { name: "День знаний" })).toBeVisible();
  // The parent body is named and linked.
  await expect(page.getByText("Вышестоящая организация:")).toBeVisible();

  await page.getByRole("tab", { name: "Документы" }).click();
  await page.getByRole("navigation", { name: "Папки" }).getByRole("link", { name: "Отчёты · Есептер" }).click();
  const report = page.getByRole("link", { name: /^Публичный отчёт .*\.pdf$/ });
  await expect(report).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent("download"), report.click()]);
  expect(download.suggestedFilename()).toMatch(/^Публичный отчёт .*\.pdf$/);

  // «Организация» in the menu leads to the same directory.
  await page.getByRole("navigation", { name: "Главное меню" }).getByRole("link", { name: "Организация" }).click();
  await expect(page).toHaveURL(/\/o$/);
  await expect(page.getByRole("heading", { level: 1, name: "Организации образования" })).toBeVisible();
});

test("a body's site is filled for the anonymous visitor (demo content)", async ({ page }) => {
  await page.goto(`${base()}/o/2`);
  await expect(page.getByRole("heading", { level: 1, name: "Управление образования Тестового региона" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Білім министрлігі (тестовое)" })).toHaveAttribute("href", "/o/1");
  await expect(page.getByRole("article").first()).toBeVisible();
  await expect(page.getByRole("link", { name: "О нас · Біз туралы" })).toBeVisible();
  await page.getByRole("tab", { name: "Обратная связь" }).click();
  await expect(page.getByText("Документы в первый класс принимают с 1 апреля.").first()).toBeVisible();
  await page.getByRole("tab", { name: "Профиль" }).click();
  await expect(page.getByRole("article").first()).toBeVisible();
  if (process.env.SCREENSHOTS === "1") {
    // The ministry's site: no other flow writes on it.
    await page.goto(`${base()}/o/1`);
    await expect(page.getByRole("article").first()).toBeVisible();
    await page.screenshot({ path: "../docs/screenshots/profile.png", fullPage: false });
  }
});
