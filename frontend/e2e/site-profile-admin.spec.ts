import { expect, test, type Page } from "@playwright/test";
import { apiLogin, base, bearer, freshEmployee, me, PDF, PNG, signIn, stamp } from "./site-helpers";

/** Issue 14: a body administrator names a profile administrator, who keeps every section; visitors see it. */
test.describe.configure({ mode: "serial" });

const s = stamp();
const T = {
  description: `Управление ведёт приём документов круглый год ${s}`,
  website: `uo-${s}.edu.kz`,
  news: `Осенний семинар ${s}`,
  newsEdited: `Осенний семинар директоров ${s}`,
  newsGone: `Черновик ${s}`,
  pageA: `О нас ${s}`,
  pageB: `Контакты отделов ${s}`,
  pageBEdited: `Телефоны отделов ${s}`,
  unit: `Отдел дошкольного образования ${s}`,
  unitGone: `Сектор ${s}`,
  receptionWho: `Начальник управления ${s}`,
  folder: `Приказы ${s}`,
  doc: `Приказ ${s}.pdf`,
  docRenamed: `Приказ о каникулах ${s}.pdf`,
  docGone: `Лишний ${s}.pdf`,
  section: `Методическая работа ${s}`,
  sectionEdited: `Методическое объединение ${s}`,
  topic: `План на четверть ${s}`,
  question: `Когда каникулы у школьников? ${s}`,
  // A question of the demo left without an answer.
  questionGone: "Как перевести ребёнка в другую школу?",
  answer: `С 28 октября по 5 ноября ${s}`,
  announcement: `Совещание ${s}`,
};
let orgId = 0;
let keeper = { username: "", password: "", id: 0 };
const KEEPER_NAME = `Кенжебаева Дана${s}`;

async function onTab(page: Page, name: string) {
  await page.getByRole("tablist", { name: "Разделы профиля организации" }).getByRole("tab", { name }).click();
}

test("an administrator names a profile administrator", async ({ page, request }) => {
  const admin = await apiLogin(request, "admin");
  orgId = (await me(request, admin)).organization.id;
  keeper = await freshEmployee(request, orgId, "Кенжебаева", `Дана${s}`);
  await signIn(page, "admin");
  await page.goto(`${base()}/o/${orgId}`);
  await page.getByRole("button", { name: "Администраторы профиля" }).click();
  await page.getByRole("textbox", { name: "Администраторы профиля" }).click();
  await page.getByRole("option", { name: KEEPER_NAME }).click();
  await page.getByRole("button", { name: "Сохранить" }).click();
  await expect(page.getByText(`${KEEPER_NAME} — администратор профиля`)).toBeVisible();
});

test("the profile administrator edits every section", async ({ browser, request }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, keeper.username, keeper.password);
  await page.goto(`${base()}/o/${orgId}`);

  // Description and contacts.
  await page.getByRole("button", { name: "Описание и контакты" }).click();
  const card = page.getByRole("form", { name: "Описание и контакты" });
  await card.getByLabel(/^Описание/).fill(`<p>${T.description}</p><script>alert(1)</script>`);
  await card.getByLabel("Сайт").fill(T.website);
  await card.getByRole("button", { name: "Сохранить" }).click();
  await expect(card).toHaveCount(0);
  await expect(page.getByText(T.description)).toBeVisible();

  // News: create two, edit one with an image, delete the other.
  for (const title of [T.newsGone, T.news]) {
    await page.getByLabel("Заголовок").fill(title);
    await page.getByLabel(/^Текст/).fill(`<p>${title}: программа</p>`);
    await page.getByRole("button", { name: "Опубликовать" }).click();
    await expect(page.getByRole("article", { name: title })).toBeVisible();
    await expect(page.getByLabel("Заголовок")).toHaveValue("");
  }
  const news = page.getByRole("article", { name: T.news });
  await news.getByRole("button", { name: "Изменить" }).click();
  await news.getByLabel("Заголовок").fill(T.newsEdited);
  await news.locator('input[type="file"]').setInputFiles({ name: "seminar.png", mimeType: "image/png", buffer: PNG });
  await news.getByRole("button", { name: "Сохранить" }).click();
  const edited = page.getByRole("article", { name: T.newsEdited });
  await expect(edited.getByRole("img", { name: "seminar.png" })).toBeVisible();
  const gone = page.getByRole("article", { name: T.newsGone });
  await gone.getByRole("button", { name: "Удалить" }).click();
  await gone.getByRole("button", { name: "Точно удалить?" }).click();
  await expect(gone).toHaveCount(0);

  // Pages: add two, move the second up, edit it, delete the first.
  for (const title of [T.pageA, T.pageB]) {
    await page.getByRole("button", { name: "Добавить страницу" }).click();
    const form = page.getByRole("form", { name: "Добавить страницу" });
    await form.getByLabel("Название страницы").fill(title);
    await form.getByLabel(/^Текст страницы/).fill(`<p>${title}</p>`);
    await form.getByRole("button", { name: "Сохранить" }).click();
    await expect(page.getByRole("link", { name: title })).toBeVisible();
  }
  await page.getByRole("button", { name: `Выше: ${T.pageB}` }).click();
  await expect(page.getByRole("button", { name: `Выше: ${T.pageA}` })).toBeEnabled();
  await page.getByRole("link", { name: T.pageB }).click();
  await expect(page).toHaveURL(/\/pages\/\d+$/);
  // The URL changes before the page replaces the profile (the router renders in a transition): wait for the page.
  await expect(page.getByRole("heading", { name: T.pageB, level: 2 })).toBeVisible();
  await page.getByRole("button", { name: "Изменить" }).click();
  await page.getByLabel("Название страницы").fill(T.pageBEdited);
  await page.getByRole("button", { name: "Сохранить" }).click();
  await expect(page.getByRole("heading", { name: T.pageBEdited })).toBeVisible();
  await page.goto(`${base()}/o/${orgId}`);
  await page.getByRole("link", { name: T.pageA }).click();
  await expect(page).toHaveURL(/\/pages\/\d+$/);
  await expect(page.getByRole("heading", { name: T.pageA, level: 2 })).toBeVisible();
  await page.getByRole("button", { name: "Удалить" }).click();
  await page.getByRole("button", { name: "Точно удалить?" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${orgId}$`));
  await expect(page.getByRole("link", { name: T.pageA })).toHaveCount(0);

  // Structure: add two units, edit one, move it, delete the other.
  await onTab(page, "Структура");
  for (const name of [T.unitGone, T.unit]) {
    await page.getByRole("button", { name: "Добавить подразделение" }).click();
    const form = page.getByRole("form", { name: "Добавить подразделение" });
    await form.getByLabel("Название (рус.)").fill(name);
    await form.getByRole("button", { name: "Сохранить" }).click();
    await expect(page.getByRole("cell", { name, exact: true })).toBeVisible();
  }
  await page.getByRole("button", { name: `Изменить: ${T.unit}` }).click();
  await page.getByLabel("Телефон").fill("+7 7172 00 00 01");
  await page.getByRole("button", { name: "Сохранить" }).click();
  await expect(page.getByRole("row", { name: new RegExp(T.unit) })).toContainText("+7 7172 00 00 01");
  await page.getByRole("button", { name: `Выше: ${T.unit}` }).click();
  await expect(page.getByRole("button", { name: `Выше: ${T.unitGone}` })).toBeEnabled();
  await page.getByRole("button", { name: `Удалить: ${T.unitGone}` }).click();
  await page.getByRole("button", { name: "Точно удалить?" }).click();
  await expect(page.getByRole("cell", { name: T.unitGone, exact: true })).toHaveCount(0);

  // Documents: a folder, two files; one renamed and moved into the folder, the other deleted.
  await onTab(page, "Документы");
  await page.getByLabel("Новая папка").fill(T.folder);
  await page.getByRole("button", { name: "Создать" }).click();
  await expect(page.getByRole("link", { name: T.folder })).toBeVisible();
  for (const name of [T.doc, T.docGone]) {
    await page.locator('input[type="file"]').setInputFiles({ name, mimeType: "application/pdf", buffer: PDF });
    await page.getByRole("button", { name: "Загрузить файл" }).click();
    await expect(page.getByRole("link", { name })).toBeVisible();
    await expect(page.getByRole("button", { name: "Загрузить файл" })).toBeDisabled();
  }
  await page.getByRole("button", { name: `Удалить: ${T.docGone}` }).click();
  await page.getByRole("button", { name: "Точно удалить?" }).click();
  await expect(page.getByRole("link", { name: T.docGone })).toHaveCount(0);
  await page.getByRole("button", { name: `Переименовать: ${T.doc}` }).click();
  const rename = page.getByRole("form", { name: "Переименовать" });
  await rename.getByLabel("Название").fill(T.docRenamed);
  await rename.getByLabel("Переместить в").click();
  await page.getByRole("option", { name: T.folder }).click();
  await rename.getByRole("button", { name: "Сохранить" }).click();
  await expect(page.getByRole("link", { name: T.doc })).toHaveCount(0);
  await page.getByRole("link", { name: T.folder }).click();
  await expect(page.getByRole("link", { name: T.docRenamed })).toBeVisible();

  // Forum: a section, renamed; a topic, locked.
  await onTab(page, "Форум");
  await page.getByLabel("Новый раздел").fill(T.section);
  await page.getByRole("button", { name: "+" }).click();
  await page.getByRole("navigation", { name: "Разделы форума" }).getByRole("button", { name: new RegExp(T.section) }).click();
  await page.getByRole("button", { name: "Изменить раздел" }).click();
  await page.getByLabel("Название раздела").fill(T.sectionEdited);
  await page.getByRole("form", { name: "Изменить раздел" }).getByRole("button", { name: "Сохранить" }).click();
  await expect(page.getByRole("navigation", { name: "Разделы форума" }).getByRole("button", { name: new RegExp(T.sectionEdited) })).toBeVisible();
  await page.getByRole("textbox", { name: "Название", exact: true }).fill(T.topic);
  await page.getByLabel("Сообщение").fill("Материалы: https://edu.kz/plan");
  await page.getByRole("button", { name: "Создать тему" }).click();
  await page.getByRole("link", { name: T.topic }).click();
  await expect(page.getByRole("link", { name: "https://edu.kz/plan" })).toHaveAttribute("rel", /nofollow/);
  await page.getByRole("button", { name: "Закрыть тему" }).click();
  await expect(page.getByText("Тема закрыта").first()).toBeVisible();

  // Reception schedule and questions (Обратная связь).
  const asked = await request.post(`${base()}/api/v1/organizations/${orgId}/questions`, { data: { author_name: "Родитель", question: T.question } });
  expect(asked.status()).toBe(202);
  await onTab(page, "Обратная связь");
  await page.getByRole("button", { name: "Добавить строку графика" }).click();
  const row = page.getByRole("form", { name: "Добавить строку графика" });
  await row.getByLabel("Кто принимает").fill(T.receptionWho);
  await row.getByLabel("Дни").fill("Вторник");
  await row.getByLabel("Часы").fill("10:00–12:00");
  await row.getByRole("button", { name: "Сохранить" }).click();
  await page.getByRole("button", { name: `Изменить: ${T.receptionWho}` }).click();
  const editRow = page.getByRole("form", { name: "Изменить" });
  await editRow.getByLabel("Часы").fill("15:00–17:00");
  await editRow.getByRole("button", { name: "Сохранить" }).click();
  await expect(page.getByRole("row", { name: new RegExp(T.receptionWho) })).toContainText("15:00–17:00");
  const q = page.getByRole("article", { name: T.question });
  await q.getByLabel("Ответ").fill(`<p>${T.answer}</p>`);
  await q.getByRole("button", { name: "Ответить и опубликовать" }).click();
  await expect(page.locator("section[aria-labelledby='faq']").getByText(T.answer)).toBeVisible();
  const spam = page.getByRole("article", { name: T.questionGone });
  await spam.getByRole("button", { name: "Удалить" }).click();
  await spam.getByRole("button", { name: "Точно удалить?" }).click();
  await expect(page.getByRole("article", { name: T.questionGone })).toHaveCount(0);

  // Announcements of the body: withdraw, then delete.
  const admin = await apiLogin(request, "admin");
  const sent = await request.post(`${base()}/api/v1/inform/announcements`, {
    headers: bearer(admin),
    data: { title: T.announcement, body_html: "<p>Явка обязательна</p>", target: { kind: "all" } },
  });
  expect(sent.status()).toBe(201);
  await page.goto(`${base()}/inform`);
  await page.getByRole("tab", { name: "Отправленные" }).click();
  await page.getByRole("button", { name: `Отозвать: ${T.announcement}` }).click();
  await expect(page.getByRole("button", { name: `Вернуть: ${T.announcement}` })).toBeVisible();
  await page.getByRole("button", { name: `Удалить: ${T.announcement}` }).click();
  await page.getByRole("button", { name: "Точно удалить?" }).click();
  await expect(page.getByRole("link", { name: T.announcement })).toHaveCount(0);
  await context.close();
});

test("an anonymous visitor sees the changes", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base()}/o/${orgId}`);
  await expect(page.getByText(T.description)).toBeVisible();
  await expect(page.getByText("alert(1)")).toHaveCount(0);
  await expect(page.getByRole("link", { name: T.website })).toHaveAttribute("href", `https://${T.website}`);
  await expect(page.getByRole("article", { name: T.newsEdited })).toBeVisible();
  await expect(page.getByRole("button", { name: "Изменить" })).toHaveCount(0);
  await expect(page.getByText(`${KEEPER_NAME} — администратор профиля`)).toBeVisible();
  await page.getByRole("link", { name: T.pageBEdited }).click();
  await expect(page.getByRole("heading", { name: T.pageBEdited })).toBeVisible();
  await onTab(page, "Структура");
  await expect(page.getByRole("cell", { name: T.unit, exact: true })).toBeVisible();
  await onTab(page, "Документы");
  await page.getByRole("link", { name: T.folder }).click();
  await expect(page.getByRole("link", { name: T.docRenamed })).toBeVisible();
  await onTab(page, "Форум");
  await expect(page.getByRole("navigation", { name: "Разделы форума" }).getByRole("button", { name: new RegExp(T.sectionEdited) })).toBeVisible();
  await onTab(page, "Обратная связь");
  await expect(page.getByRole("cell", { name: T.receptionWho })).toBeVisible();
  await expect(page.getByText(T.answer)).toBeVisible();
  await context.close();
});

test("an employee who is not a profile administrator sees no edit control", async ({ browser, request }) => {
  const other = await freshEmployee(request, orgId, "Сатпаев", `Ерлан${s}`);
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, other.username, other.password);
  await page.goto(`${base()}/o/${orgId}`);
  await expect(page.getByRole("article", { name: T.newsEdited })).toBeVisible();
  for (const name of ["Описание и контакты", "Добавить страницу", "Администраторы профиля", "Изменить", "Удалить", "Опубликовать"]) {
    await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);
  }
  await onTab(page, "Структура");
  await expect(page.getByRole("cell", { name: T.unit, exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Добавить подразделение" })).toHaveCount(0);
  await onTab(page, "Документы");
  await expect(page.getByRole("button", { name: "Загрузить файл" })).toHaveCount(0);
  await onTab(page, "Обратная связь");
  await expect(page.getByRole("button", { name: "Добавить строку графика" })).toHaveCount(0);
  // Forum: «Изменить» only on one's own posts.
  await onTab(page, "Форум");
  await page.getByRole("navigation", { name: "Разделы форума" }).getByRole("button", { name: new RegExp(T.sectionEdited) }).click();
  await expect(page.getByRole("button", { name: "Изменить раздел" })).toHaveCount(0);
  const mine = `Вопрос коллегам ${s}`;
  await page.getByRole("textbox", { name: "Название", exact: true }).fill(mine);
  await page.getByLabel("Сообщение").fill("Поделитесь планами");
  await page.getByRole("button", { name: "Создать тему" }).click();
  await page.getByRole("link", { name: mine }).click();
  await expect(page.getByRole("button", { name: "Изменить" })).toHaveCount(1);
  await page.goBack();
  await page.getByRole("link", { name: T.topic }).click();
  await expect(page.getByRole("link", { name: "https://edu.kz/plan" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Изменить" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Закрыть тему" })).toHaveCount(0);
  await context.close();
});
