import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import readXlsxFile from "read-excel-file/node";
import { apiToken, baseUrl, cellTexts, chooseFirst, countOf, logIn, shoot } from "./helpers";

test.describe.configure({ mode: "serial" });

test("the reports workspace: login, registry, cascade, views, export, print, activity totals, languages, logout", async ({
  page,
  request,
}) => {
  const base = baseUrl();

  // Login: an anonymous visitor is sent to the login page and back to where they were going.
  await page.goto(`${base}/reports`);
  await expect(page).toHaveURL(/\/login\?next=%2Freports/);
  await expect(page.getByRole("heading", { name: "Вход в систему" })).toBeVisible();
  await shoot(page, "login");
  await logIn(page);
  await expect(page).toHaveURL(/\/reports$/);
  await expect(page.getByRole("heading", { name: "Отчёты", level: 1 })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Главное меню" });
  for (const item of ["Организация", "Отчёты", "Информирование"]) await expect(nav.getByRole("link", { name: item })).toBeVisible();
  await expect(page.getByText("Реестр образовательных организаций")).toBeVisible();
  await shoot(page, "catalogue");

  // The registry: count line, then narrowed to one district (the count line changes and the URL keeps it).
  await page.getByRole("link", { name: /Реестр образовательных организаций/ }).click();
  await expect(page.getByRole("heading", { name: "Реестр образовательных организаций", level: 1 })).toBeVisible();
  const countLine = page.getByTestId("count-line");
  await expect(countLine).toHaveText(/^Всего \d+ ОУ$/);
  const all = countOf(await countLine.innerText());
  expect(all).toBeGreaterThan(1);
  await expect(page.getByRole("columnheader", { name: "Наименование ОУ" })).toBeVisible();
  await shoot(page, "registry");

  const district = await chooseFirst(page, "Район");
  await expect(page).toHaveURL(/district_id=\d+/);
  await expect(countLine).not.toHaveText(`Всего ${all} ОУ`);
  const narrowed = countOf(await countLine.innerText());
  expect(narrowed).toBeGreaterThan(0);
  expect(narrowed).toBeLessThan(all);
  const bodyRows = page.locator("tbody tr:not([class*='subtotal'])");
  await expect(bodyRows).toHaveCount(narrowed);

  // «ОУ по типам»: grouped rows with a subtotal line per type; the view lives in the URL too.
  await page.getByText("ОУ по типам", { exact: true }).click();
  await expect(page).toHaveURL(/view=by_type/);
  await expect(page.locator("tbody tr[class*='subtotal']").first()).toBeVisible();
  await expect(countLine).toHaveText(`Всего ${narrowed} ОУ`);

  // A reload keeps filters and view (bookmarkable), the session survives through the refresh cookie.
  await page.reload();
  await expect(countLine).toHaveText(`Всего ${narrowed} ОУ`);
  await expect(page.getByRole("textbox", { name: "Район", exact: true })).toHaveValue(district);

  // Export: the .xlsx downloads and holds the same organizations.
  const names: string[] = [];
  for (const row of await page.locator("tbody tr:not([class*='subtotal'])").all()) names.push((await cellTexts(row))[1]);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Экспорт в Excel" }).click()]);
  expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
  const file = await download.path();
  const sheets = await readXlsxFile(readFileSync(file));
  const cells = (Array.isArray(sheets[0]) ? (sheets as unknown as unknown[][]) : (sheets[0] as { data: unknown[][] }).data)
    .flat()
    .map((v) => String(v ?? ""));
  expect(cells.some((c) => c.includes("Реестр образовательных организаций"))).toBeTruthy();
  expect(cells).toContain("Наименование ОУ");
  for (const name of names) expect(cells).toContain(name);

  // CSV, next to it: UTF-8 with BOM, «;»-separated for Excel in Russian, the same organizations.
  const [csvDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: /CSV/ }).click()]);
  expect(csvDownload.suggestedFilename()).toMatch(/\.csv$/);
  const csv = readFileSync(await csvDownload.path());
  expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const csvText = csv.subarray(3).toString("utf-8");
  expect(csvText.split("\r\n")[0]).toContain(";Наименование ОУ;");
  for (const name of names) expect(csvText).toContain(name);

  // The print layout: title, applied filters, date, the table only, its header repeated on every page.
  const [sheet] = await Promise.all([page.waitForEvent("popup"), page.getByRole("link", { name: "Печать" }).click()]);
  await expect(sheet).toHaveURL(/\/reports\/registry\/print\?.*district_id=/);
  await expect(sheet.getByRole("heading", { name: "Реестр образовательных организаций", level: 1 })).toBeVisible();
  await expect(sheet.getByText(district, { exact: true })).toBeVisible();
  await expect(sheet.getByText(`Всего ${narrowed} ОУ`)).toBeVisible();
  await expect(sheet.getByRole("navigation")).toHaveCount(0);
  expect(await sheet.locator("thead").first().evaluate((el) => getComputedStyle(el).display)).toBe("table-header-group");
  await sheet.emulateMedia({ media: "print" });
  await expect(sheet.getByRole("button", { name: "Распечатать" })).toBeHidden();
  await sheet.close();
  await expect(countLine).toHaveText(`Всего ${narrowed} ОУ`);

  // The activity report: its totals row equals the API's totals.
  await page.getByRole("navigation", { name: "Главное меню" }).getByRole("link", { name: "Отчёты" }).click();
  await page.getByRole("link", { name: /^Активность/ }).first().click();
  await expect(page).toHaveURL(/\/reports\/activity/);
  const totalsRow = page.getByTestId("totals-row");
  await expect(totalsRow).toBeVisible();
  const token = await apiToken(request);
  const api = await request.get(`${base}/api/v1/reports/activity?lang=ru`, { headers: { Authorization: `Bearer ${token}` } });
  expect(api.ok()).toBeTruthy();
  const body = (await api.json()) as { totals: Record<string, unknown>; columns: { id: string; children: unknown[] }[] };
  const leaves: string[] = [];
  const walk = (cols: { id: string; children: unknown[] }[]) =>
    cols.forEach((c) => (c.children.length ? walk(c.children as typeof cols) : leaves.push(c.id)));
  walk(body.columns);
  const shown = (await totalsRow.locator("td").allInnerTexts()).map((s) => s.replace(/[\s\u00a0]/g, ""));
  expect(shown.length).toBe(leaves.length);
  let numbers = 0;
  leaves.forEach((id, i) => {
    const value = body.totals[id];
    if (typeof value === "number") {
      numbers += 1;
      expect(Number(shown[i].replace(",", "."))).toBe(value);
    }
  });
  expect(numbers).toBeGreaterThan(3);
  await shoot(page, "activity");

  // Kazakh and back: menu, headings and the report itself change language.
  await page.getByText("ҚАЗ", { exact: true }).click();
  await expect(page.getByRole("navigation", { name: "Басты мәзір" }).getByRole("link", { name: "Есептер" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Есеп қалай құрылатынын білу" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "kk");
  await page.getByText("РУС", { exact: true }).click();
  await expect(page.getByRole("navigation", { name: "Главное меню" }).getByRole("link", { name: "Отчёты" })).toBeVisible();

  // The methodology opens from «Узнать, как строится отчёт».
  await page.getByRole("button", { name: "Узнать, как строится отчёт" }).click();
  await expect(page.getByRole("dialog")).toContainText("Как строится отчёт");
  await page.keyboard.press("Escape");

  // Logout: back to login, and the workspace is closed again.
  await page.getByRole("button", { name: "Учётная запись" }).click();
  await page.getByRole("menuitem", { name: "Выйти" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto(`${base}/reports`);
  await expect(page).toHaveURL(/\/login\?next=/);
});

test("an expired session returns to login and then to the same report with its filters", async ({ page, context }) => {
  const base = baseUrl();
  await page.goto(`${base}/login`);
  await logIn(page);
  await expect(page).toHaveURL(/\/reports$/);
  await page.goto(`${base}/reports/registry?view=by_type`);
  await expect(page.getByTestId("count-line")).toBeVisible();
  // The refresh cookie is gone (expired) and the in-memory token is lost with the reload.
  await context.clearCookies();
  await page.reload();
  await expect(page).toHaveURL(/\/login\?next=%2Freports%2Fregistry%3Fview%3Dby_type/);
  await logIn(page);
  await expect(page).toHaveURL(/\/reports\/registry\?view=by_type$/);
  await expect(page.getByTestId("count-line")).toBeVisible();
});
