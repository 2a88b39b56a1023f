import { expect, test } from "./fixtures";
import { chooseFirst, chooseMatching, expectTranslated, openFromCatalogue, scrollsSideways, shoot } from "./helpers";

/** The reports of one school reached by clicking, errors in the user's language, dates, numbers, wide tables. */
test.describe.configure({ mode: "parallel" });

const CLASS_TEACHER = { id: "school.performance.class_teacher", title: "Успеваемость: Классному руководителю", section: "school" };
const ATTENDANCE_CT = { id: "school.attendance.class_teacher", title: "Посещаемость: Классному руководителю", section: "school" };
const ABOUT = { id: "school.about", title: "Об организации", section: "school" };
const REGISTRY = { id: "registry", title: "Реестр образовательных организаций", section: "management" };
const ATTENDANCE_ORGS = { id: "attendance.organizations", title: "Посещаемость по организациям", section: "management" };
const ACTIVITY = { id: "activity", title: "Активность в Kundelik.kz", section: "management" };

test("a school report asks for the school, then the class; the choice survives «← Все отчёты» and the next report", async ({ app: page }) => {
  await openFromCatalogue(page, CLASS_TEACHER);
  const prompt = page.getByTestId("report-prompt");
  await expect(prompt).toContainText("выберите её в фильтрах");
  await expect(page.getByRole("alert")).toHaveCount(0);
  // The cascade of figure 6: district, then the school of that district.
  await chooseFirst(page, "Район");
  const school = await chooseFirst(page, "Образовательная организация");
  await expect(prompt).toHaveText(/Выберите класс/);
  // A class past the 1st grade (1st graders get no marks).
  const klass = await chooseMatching(page, "Класс", /^([2-9]|1[01])\D/);
  await expect(page.locator("table")).toBeVisible();
  await expect(prompt).toHaveCount(0);
  await expect(page.locator("tbody tr").first()).toBeVisible();
  await shoot(page, "school-report");

  await page.getByRole("link", { name: "← Все отчёты" }).click();
  await expect(page).toHaveURL(/\/reports\?.*organization_id=\d+.*class_id=\d+/);
  await expect(page.getByTestId("catalogue-organization")).toContainText(school);

  await openFromCatalogue(page, ATTENDANCE_CT);
  await expect(page.getByRole("textbox", { name: "Образовательная организация", exact: true })).toHaveValue(school);
  await expect(page.getByRole("textbox", { name: "Класс", exact: true })).toHaveValue(klass);
  await expect(page.locator("table")).toBeVisible();
  await expect(prompt).toHaveCount(0);

  await page.getByRole("link", { name: "← Все отчёты" }).click();
  await openFromCatalogue(page, ABOUT);
  await expect(page.locator("tbody")).toContainText(school);
});

test("a registry row leads to that school's reports, and so does the school's profile", async ({ app: page }) => {
  await openFromCatalogue(page, REGISTRY);
  const row = page.locator("tbody tr").first();
  const name = (await row.getByRole("link").first().innerText()).trim();
  await row.getByRole("link", { name: `Отчёты организации «${name}»` }).click();
  await expect(page.getByTestId("catalogue-organization")).toContainText(name);
  await openFromCatalogue(page, ABOUT);
  await expect(page.locator("tbody")).toContainText(name);

  // Registry → the school's profile → «Отчёты организации».
  await page.getByRole("link", { name: "← Все отчёты" }).click();
  await page.getByRole("button", { name: "Выбрать другую организацию" }).click();
  await expect(page.getByTestId("catalogue-organization")).toHaveCount(0);
  await openFromCatalogue(page, REGISTRY);
  await page.locator("tbody tr").first().getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
  await page.getByTestId("school-reports-link").click();
  await expect(page.getByTestId("catalogue-organization")).toContainText(name);
});

test("an upside-down date range is said once, in Russian, under «С даты», then in Kazakh", async ({ app: page }) => {
  await openFromCatalogue(page, ATTENDANCE_ORGS);
  await page.getByLabel("По дату").fill("2026-09-01");
  await expect(page).toHaveURL(/date_to=2026-09-01/);
  await page.getByLabel("С даты").fill("2026-10-01");
  await expect(page).toHaveURL(/date_from=2026-10-01/);
  const message = page.getByText("Дата «С» позже даты «По».");
  await expect(message).toHaveCount(1);
  await expect(page.getByRole("alert").filter({ hasNotText: "Дата «С»" })).toHaveCount(0);
  const field = page.getByLabel("С даты");
  await expect(field).toHaveAttribute("aria-invalid", "true");
  const body = await page.locator("main").innerText();
  expect(body).not.toMatch(/upside|date_from|date_to/);
  await page.getByText("ҚАЗ", { exact: true }).click();
  await expect(page.getByText("«Бастап» күні «Дейін» күнінен кейін тұр.")).toHaveCount(1);
});

test("a school that is not among the user's organizations is said in Russian under the school filter", async ({ app: page }) => {
  await openFromCatalogue(page, ABOUT);
  // The user edits the bookmark by hand (the one typed URL of this suite: the error it provokes cannot be clicked).
  await page.goto(page.url().replace(/\?.*$/, "") + "?organization_id=999999");
  await expect(page.getByText("«Образовательная организация»: значение не найдено среди ваших организаций.")).toHaveCount(1);
  expect(await page.locator("main").innerText()).not.toMatch(/not found|organization 999999/);
});

test("typing «С даты» by keyboard reloads the report only with the complete date", async ({ app: page }) => {
  await openFromCatalogue(page, ATTENDANCE_ORGS);
  await expect(page.locator("table")).toBeVisible();
  const sent: string[] = [];
  page.on("request", (r) => {
    const from = new URL(r.url()).searchParams.get("date_from");
    if (from) sent.push(from);
  });
  const reloaded = page.waitForRequest((r) => /\/api\/v1\/reports\/attendance\.organizations\?.*date_from=2025-11-11/.test(r.url()));
  const field = page.getByLabel("С даты");
  await field.focus();
  // Day and month alike: the same date whichever order the browser's locale puts them in.
  await page.keyboard.type("11112025", { delay: 80 });
  await field.blur();
  await expect(page).toHaveURL(/date_from=2025-11-11/);
  await expect(field).toHaveValue("2025-11-11");
  await reloaded;
  expect(sent.filter((d) => !d.startsWith("2025"))).toEqual([]);
});

test("in Kazakh the data date has Kazakh month names and numbers are grouped as in Russian", async ({ app: page }) => {
  await openFromCatalogue(page, ACTIVITY);
  await expect(page.getByTestId("totals-row")).toBeVisible();
  await page.getByText("ҚАЗ", { exact: true }).click();
  const stamp = page.getByText(/жағдай бойынша|Деректер/).first();
  await expect(stamp).toHaveText(/(қаңтар|ақпан|наурыз|сәуір|мамыр|маусым|шілде|тамыз|қыркүйек|қазан|қараша|желтоқсан)/);
  await expect(stamp).not.toHaveText(/\bM\d+\b/);
  const cells = await page.locator("tbody td, tfoot td").allInnerTexts();
  expect(cells.filter((c) => /^\d{1,3},\d{3}$/.test(c.trim()))).toEqual([]);
  expect(cells.filter((c) => /^\d{4,}$/.test(c.trim()))).toEqual([]);
});

test("the student matrix opens on one class; № and names stay in place while the table scrolls sideways, the page does not", async ({ app: page }) => {
  await openFromCatalogue(page, { id: "school.performance.students", title: "Успеваемость: Ученики", section: "school" });
  await chooseFirst(page, "Образовательная организация");
  await expect(page).toHaveURL(/class_id=\d+/);
  await expect(page.getByRole("textbox", { name: "Класс", exact: true })).not.toHaveValue("");
  await shoot(page, "student-matrix");
  const region = page.getByRole("region").filter({ has: page.locator("table") });
  await expect(region.locator("tbody tr").first()).toBeVisible();
  const name = region.locator("tbody tr").first().locator("td[class*=stickyName]");
  await expect(name).toContainText(/\S+ \S+/);
  const wide = await region.evaluate((el) => el.scrollWidth > el.clientWidth + 200);
  expect(wide).toBe(true);
  // Scrolled sideways a little and to the end: the name stays at the same place, right of the № column.
  await region.evaluate((el) => (el.scrollLeft = 200));
  const box = (await region.boundingBox())!;
  const middle = (await name.boundingBox())!;
  await region.evaluate((el) => (el.scrollLeft = el.scrollWidth));
  const end = (await name.boundingBox())!;
  expect(Math.abs(end.x - middle.x)).toBeLessThan(2);
  expect(end.x - box.x).toBeGreaterThan(40);
  expect(end.x - box.x).toBeLessThan(60);
  const number = region.locator("tbody tr").first().locator("td").first();
  expect(Math.abs((await number.boundingBox())!.x - box.x)).toBeLessThan(3);
  expect(await name.evaluate((el) => getComputedStyle(el).position)).toBe("sticky");
  // A name takes at most two lines.
  const lines = await name.evaluate((el) => {
    const style = getComputedStyle(el);
    const inner = el.getBoundingClientRect().height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    return inner / (parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5);
  });
  expect(lines).toBeLessThan(2.5);
  const { scrollWidth, clientWidth } = await scrollsSideways(page);
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
});

test("the language switch on a report leaves no key and no English in Kazakh and Russian", async ({ app: page }) => {
  await openFromCatalogue(page, CLASS_TEACHER);
  await expect(page.getByTestId("report-prompt")).toBeVisible();
  await chooseFirst(page, "Образовательная организация");
  await expect(page.getByTestId("report-prompt")).toBeVisible();
  for (const [label, lang] of [
    ["ҚАЗ", "kk"],
    ["ENG", "en"],
    ["РУС", "ru"],
  ] as const) {
    await page.getByText(label, { exact: true }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", lang);
    await expectTranslated(page, lang);
  }
  await chooseFirst(page, "Класс");
  await expect(page.locator("table")).toBeVisible();
  await page.getByText("ҚАЗ", { exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).not.toHaveText(/Успеваемость/);
  await expectTranslated(page, "kk");
});

test("the language switch on a profile page leaves no key and no English in Kazakh and Russian", async ({ app: page }) => {
  await page.getByRole("navigation", { name: "Главное меню" }).getByRole("link", { name: "Организация" }).click();
  await expect(page.getByRole("tab", { name: "Профиль" })).toBeVisible();
  for (const [label, lang] of [
    ["ҚАЗ", "kk"],
    ["РУС", "ru"],
  ] as const) {
    await page.getByText(label, { exact: true }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", lang);
    for (const tab of await page.getByRole("tab").all()) {
      await tab.click();
      await page.waitForLoadState("networkidle");
      await expectTranslated(page, lang, `${lang} ${await tab.innerText()}`);
    }
  }
});
