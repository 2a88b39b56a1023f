import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { baseUrl } from "./helpers";

/** The organization site (issue 7): an administrator writes, an anonymous visitor reads, an employee searches Люди. */
test.describe.configure({ mode: "serial" });

const PASSWORD = "demo12345";
const stamp = Date.now().toString(36);
const NEWS_TITLE = `Августовская конференция ${stamp}`;
const DOC_NAME = `Приказ ${stamp}.pdf`;
const FAQ_QUESTION = `Когда начинается приём документов в первый класс? ${stamp}`;
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

async function token(request: APIRequestContext, username: string): Promise<string> {
  const response = await request.post(`${baseUrl()}/api/v1/auth/login`, { data: { username, password: PASSWORD } });
  expect(response.ok()).toBeTruthy();
  return ((await response.json()) as { access_token: string }).access_token;
}

async function organizationOf(request: APIRequestContext, bearer: string): Promise<number> {
  const me = await request.get(`${baseUrl()}/api/v1/auth/me`, { headers: { Authorization: `Bearer ${bearer}` } });
  expect(me.ok()).toBeTruthy();
  return ((await me.json()) as { organization: { id: number } }).organization.id;
}

async function logInAs(page: Page, username: string): Promise<void> {
  await page.goto(`${baseUrl()}/login`);
  await page.getByLabel(/^Логин/).fill(username);
  await page.getByLabel(/^Пароль/).fill(PASSWORD);
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

let orgId = 0;

test("an administrator posts news and uploads a document", async ({ page, request }) => {
  const admin = await token(request, "admin");
  orgId = await organizationOf(request, admin);
  // A question answered and published through the API, for the visitor's FAQ.
  const asked = await request.post(`${baseUrl()}/api/v1/organizations/${orgId}/questions`, {
    data: { author_name: "Айгерим", question: FAQ_QUESTION },
  });
  expect(asked.status()).toBe(202);
  const answered = await request.patch(`${baseUrl()}/api/v1/questions/${((await asked.json()) as { id: number }).id}`, {
    headers: { Authorization: `Bearer ${admin}` },
    data: { answer_html: "<p>С 1 апреля по 31 августа.</p>", published: true },
  });
  expect(answered.ok()).toBeTruthy();

  await logInAs(page, "admin");
  await page.goto(`${baseUrl()}/o/${orgId}`);
  await page.getByLabel("Заголовок").fill(NEWS_TITLE);
  await page.getByLabel(/^Текст/).fill("<p>Приглашаем директоров школ.</p><script>alert(1)</script>");
  await page.getByRole("button", { name: "Опубликовать" }).click();
  const article = page.getByRole("article", { name: NEWS_TITLE });
  await expect(article).toBeVisible();
  await expect(article).toContainText("Приглашаем директоров школ.");

  await page.getByRole("tab", { name: "Документы" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${orgId}/documents$`));
  await page.locator('input[type="file"]').setInputFiles({ name: DOC_NAME, mimeType: "application/pdf", buffer: PDF });
  await page.getByRole("button", { name: "Загрузить файл" }).click();
  await expect(page.getByRole("link", { name: DOC_NAME })).toBeVisible();
});

test("an anonymous visitor reads the site, follows a school, downloads, reads the FAQ and asks", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${baseUrl()}/o/${orgId}`);
  const tabs = page.getByRole("tablist", { name: "Разделы профиля организации" });
  await expect(tabs.getByRole("tab", { name: "Профиль" })).toBeVisible();
  await expect(page.getByRole("article", { name: NEWS_TITLE })).toBeVisible();
  await expect(page.getByRole("article", { name: NEWS_TITLE })).not.toContainText("alert(1)");
  // Люди is for employees of the body only: a visitor is told what it is and who may see it.
  await expect(tabs.getByRole("tab")).toHaveText(["Профиль", "Структура", "Люди", "Документы", "Форум", "Обратная связь"]);
  await tabs.getByRole("tab", { name: "Люди" }).click();
  await expect(page.getByRole("status")).toContainText("сотрудники органа управления образованием");
  await tabs.getByRole("tab", { name: "Профиль" }).click();

  // Структура: follow a subordinate school to its own profile (through a district body when the schools sit below it).
  const structure = async (id: number) =>
    (await (await page.request.get(`${baseUrl()}/api/v1/organizations/${id}/structure`)).json()) as {
      subordinates: { id: number; kind: string; name_ru: string }[];
    };
  let hostId = orgId;
  let school = (await structure(hostId)).subordinates.find((o) => o.kind === "school");
  if (!school) {
    const body = (await structure(hostId)).subordinates[0];
    expect(body).toBeTruthy();
    await tabs.getByRole("tab", { name: "Структура" }).click();
    await page.locator("section[aria-labelledby='subs']").getByRole("link", { name: body.name_ru, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/o/${body.id}$`));
    hostId = body.id;
    school = (await structure(hostId)).subordinates.find((o) => o.kind === "school");
  }
  expect(school).toBeTruthy();
  await page.getByRole("tab", { name: "Структура" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${hostId}/structure$`));
  await page.locator("section[aria-labelledby='subs']").getByRole("link", { name: school!.name_ru, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${school!.id}$`));
  await expect(page.getByRole("heading", { level: 1, name: school!.name_ru })).toBeVisible();

  // Документы: the uploaded file downloads under its name.
  await page.goto(`${baseUrl()}/o/${orgId}/documents`);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: DOC_NAME }).click()]);
  expect(download.suggestedFilename()).toBe(DOC_NAME);

  // Обратная связь: the published answer, then a question of one's own.
  await page.getByRole("tab", { name: "Обратная связь" }).click();
  await expect(page.getByText(FAQ_QUESTION)).toBeVisible();
  await expect(page.getByText("С 1 апреля по 31 августа.")).toBeVisible();
  await page.getByLabel("Ваше имя").fill("Посетитель");
  await page.getByRole("textbox", { name: "Вопрос", exact: true }).fill("Есть ли в районе летние лагеря?");
  await page.getByRole("button", { name: "Отправить" }).click();
  await expect(page.getByRole("status")).toContainText("Вопрос отправлен");
  await context.close();
});

test("an employee of the body filters Люди and finds a person", async ({ page, request }) => {
  const employee = await token(request, "region");
  const own = await organizationOf(request, employee);
  const students = await request.get(`${baseUrl()}/api/v1/organizations/${own}/people?category=students&page_size=1`, {
    headers: { Authorization: `Bearer ${employee}` },
  });
  expect(students.ok()).toBeTruthy();
  const student = ((await students.json()) as { items: { full_name: string }[] }).items[0];
  expect(student).toBeTruthy();
  const [surname, firstName] = student.full_name.split(" ");

  await logInAs(page, "region");
  await page.goto(`${baseUrl()}/o/${own}`);
  await page.getByRole("tab", { name: "Люди" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${own}/people$`));
  await page.getByRole("navigation", { name: "Категория" }).getByRole("button", { name: "Ученики" }).click();
  // Lower case, ё→е and the words swapped still find the person.
  await page.getByLabel("Поиск по имени").fill(`${firstName.toLowerCase()} ${surname.toLowerCase().replace("ё", "е")}`);
  await expect(page.getByRole("cell", { name: new RegExp(student.full_name) }).first()).toBeVisible();
  await expect(page.getByRole("cell", { name: /ученик/ }).first()).toBeVisible();
});

test("«Организация» clicked before the account has loaded still opens the user's own organization", async ({ browser, request }) => {
  const own = await organizationOf(request, await token(request, "region"));
  const context = await browser.newContext({ locale: "ru-RU" });
  const page = await context.newPage();
  await logInAs(page, "region");
  // The session's restore and the account («me») answer late, as on a slow line: the menu is there before the
  // user's organization is known.
  for (const slow of ["**/api/v1/auth/refresh", "**/api/v1/auth/me"]) {
    await page.route(slow, async (route) => {
      await new Promise((ok) => setTimeout(ok, 1500));
      await route.continue();
    });
  }
  await page.reload();
  await page.getByRole("navigation", { name: "Главное меню" }).getByRole("link", { name: "Организация" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${own}$`));
  await expect(page.getByRole("tab", { name: "Люди" })).toBeVisible();
  await context.close();
});
