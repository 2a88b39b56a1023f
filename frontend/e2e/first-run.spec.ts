import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { accountsFile, passwords } from "./files";
import { cellTexts, chooseMatching, openFromCatalogue } from "./helpers";
import { addDistrictAndBody, importRegistryOf30 } from "./tree-helpers";

/**
 * Issue 16, «Done when»: a real region from nothing. An install with an empty database (migrations only, not one
 * organization): `python -m api init` makes the regional body and its administrator → the administrator signs in and
 * sets their own password → adds a district and its body → imports a registry of 30 schools (two deliberate errors
 * named by row and column first) → creates accounts from a list → the new employee signs in → a school system's
 * token pushes a class's marks → the employee opens «Статистика оценок» of the school and sees those marks.
 *
 * The install stands on a fixed day (BILIM_TODAY, 20.11.2026: the 2nd quarter), so the school year `init` creates,
 * the lesson dates and the report's default period agree whenever the suite runs.
 */
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const python = process.env.PYTHON ?? resolve(root, ".venv/bin/python");
const TODAY = "2026-11-20";
const YEAR = "2026-2027";
const LESSON_DAYS = ["2026-11-16", "2026-11-17"];
const FIRST_PASSWORD = "first-admin-1";
const ADMIN_PASSWORD = "Own-admin-pass-2";

let stack: ChildProcess;
let url = "";
let databaseUrl = "";

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  stack = spawn(python, [resolve(here, "stack.py")], {
    cwd: root,
    env: { ...process.env, E2E_EMPTY: "1", BILIM_TODAY: TODAY },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: stack.stdout! });
  const ready = await new Promise<{ base_url: string; database_url: string }>((ok, fail) => {
    stack.once("exit", (code) => fail(new Error(`the empty stack exited with ${code}`)));
    lines.on("line", (line) => {
      if (line.startsWith("{")) ok(JSON.parse(line) as { base_url: string; database_url: string });
    });
  });
  url = ready.base_url;
  databaseUrl = ready.database_url;
});

test.afterAll(async () => {
  if (!stack || stack.exitCode !== null) return;
  const exited = new Promise((ok) => stack.once("exit", ok));
  stack.stdin!.end();
  await Promise.race([exited, new Promise((ok) => setTimeout(ok, 20_000))]);
  if (stack.exitCode === null) stack.kill("SIGTERM");
});

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByLabel(/^Логин/).fill(username);
  await page.getByLabel(/^Пароль/).fill(password);
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

/** The forced first change of a one-time password, on the page the app sends its owner to. */
async function setOwnPassword(page: Page, current: string, own: string): Promise<void> {
  await expect(page).toHaveURL(/\/account\/password$/);
  await page.getByLabel("Текущий пароль").fill(current);
  await page.getByLabel(/^Новый пароль\s*\*?$/).fill(own);
  await page.getByLabel("Новый пароль ещё раз").fill(own);
  await page.getByRole("button", { name: "Сменить пароль" }).click();
  await expect(page).not.toHaveURL(/\/account\/password$/);
}

async function apiJson<T>(request: APIRequestContext, path: string, token: string): Promise<T> {
  const response = await request.get(`${url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  expect(response.ok(), await response.text()).toBeTruthy();
  return (await response.json()) as T;
}

test("a region from an empty database: init, tree, registry, accounts, a school system's marks, the report", async ({
  browser,
  request,
}, info) => {
  test.setTimeout(300_000);
  const stamp = Date.now().toString(36);
  const district = `Ясный район ${stamp}`;
  const body = `Отдел образования Ясного района ${stamp}`;
  const employeeLogin = `inspector.${stamp}`;

  // 1. init on the empty database: the regional body, its region and the first administrator.
  const out = execFileSync(
    python,
    [
      "-m",
      "api",
      "init",
      "--kind",
      "region_body",
      "--region-name-ru",
      "Ясная область",
      "--region-name-kk",
      "Ясный облысы",
      "--name-ru",
      "Управление образования Ясной области",
      "--name-kk",
      "Ясный облысының білім басқармасы",
      "--username",
      "first.admin",
    ],
    {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: databaseUrl, BILIM_NEW_PASSWORD: FIRST_PASSWORD, BILIM_TODAY: TODAY },
    },
  );
  expect(out).toContain("first.admin");

  // 2. The administrator signs in with the password init was given and must set their own first.
  const admin = await browser.newContext({ locale: "ru-RU", acceptDownloads: true });
  const page = await admin.newPage();
  await signIn(page, "first.admin", FIRST_PASSWORD);
  await setOwnPassword(page, FIRST_PASSWORD, ADMIN_PASSWORD);

  // 3. A district of the region and its education department, in «Дерево организаций».
  await page.getByRole("button", { name: "Учётная запись" }).click();
  await page.getByRole("menuitem", { name: "Дерево организаций" }).click();
  await expect(page.getByRole("heading", { name: "Дерево организаций", level: 1 })).toBeVisible();
  const table = await addDistrictAndBody(page, district, body);

  // 4. The registry of 30 schools: the broken file is refused by row and column, the fixed one writes all 30.
  await importRegistryOf30(page, table, body, district, stamp, info);

  // 5. Accounts from a list: an inspector of the district department; the one-time passwords download once.
  const list = info.outputPath("accounts.xlsx");
  accountsFile(list, [["Жанабаева", "Айгерим", "Сериковна", body, "Главный специалист", "сотрудник", employeeLogin]]);
  await page.getByRole("button", { name: "Учётная запись" }).click();
  await page.getByRole("menuitem", { name: "Учётные записи" }).click();
  await page.getByRole("link", { name: "Загрузить списком" }).click();
  const chooser = page.waitForEvent("filechooser");
  await page.getByLabel("Файл .xlsx").click();
  await (await chooser).setFiles(list);
  await page.getByRole("button", { name: "Проверить" }).click();
  await expect(page.getByTestId("bulk-row")).toHaveCount(1);
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Создать учётные записи (1) и скачать пароли" }).click();
  const saved = info.outputPath("passwords.xlsx");
  await (await downloading).saveAs(saved);
  const [[login, oneTime]] = passwords(saved);
  expect(login).toBe(employeeLogin);

  // 6. The employee signs in with the one-time password and sets their own.
  const employee = await browser.newContext({ locale: "ru-RU" });
  const desk = await employee.newPage();
  await signIn(desk, employeeLogin, oneTime);
  await setOwnPassword(desk, oneTime, `Own-${stamp}-x`);

  // 7. A school system gets a token for the district and pushes school №1's class, lessons and marks.
  const signedIn = await request.post(`${url}/api/v1/auth/login`, {
    data: { username: "first.admin", password: ADMIN_PASSWORD },
  });
  expect(signedIn.ok(), await signedIn.text()).toBeTruthy();
  const adminToken = ((await signedIn.json()) as { access_token: string }).access_token;
  const bodies = await apiJson<{ id: number; name_ru: string }[]>(request, "/api/v1/tree/bodies", adminToken);
  const bodyId = bodies.find((b) => b.name_ru === body)!.id;
  const schools = await apiJson<{ id: number; name_ru: string; type_id: number }[]>(
    request,
    `/api/v1/tree/organizations?parent_id=${bodyId}`,
    adminToken,
  );
  const school = schools.find((s) => s.name_ru === `Импортная школа №1 ${stamp}`)!;
  const types = await apiJson<{ id: number; code: string }[]>(request, "/api/v1/tree/organization-types", adminToken);
  const kinds = ["organizations", "persons", "staff-posts", "classes", "subjects", "assignments", "enrolments", "lessons", "marks"];
  const created = await request.post(`${url}/api/v1/integration/tokens`, {
    headers: { Authorization: `Bearer ${adminToken}` },
    data: { name: "Школьная система", organization_id: bodyId, external_system: "school-sys", kinds },
  });
  expect(created.status(), await created.text()).toBe(201);
  const token = ((await created.json()) as { token: string }).token;
  const push = async (kind: string, items: Record<string, unknown>[]) => {
    const response = await request.post(`${url}/api/v1/integration/${kind}`, {
      headers: { "X-API-Token": token },
      data: { items },
    });
    expect(response.status(), `${kind}: ${await response.text()}`).toBe(200);
  };
  const typeCode = types.find((t) => t.id === school.type_id)!.code;
  await push("organizations", [
    { external_id: "sch1", id: school.id, parent_id: bodyId, name_ru: school.name_ru, type_code: typeCode },
  ]);
  const students = ["Ахметов", "Бекова", "Волков", "Габитова"];
  await push("persons", [
    { external_id: "t1", surname: "Алиева", first_name: "Сауле" },
    ...students.map((surname, i) => ({ external_id: `s${i}`, surname, first_name: "Тест" })),
  ]);
  await push("staff-posts", [
    { external_id: "p1", organization_external_id: "sch1", person_external_id: "t1", position: "Учитель", role_kind: "teacher" },
  ]);
  await push("classes", [{ external_id: "c7", organization_external_id: "sch1", academic_year: YEAR, grade: 7, letter: "А" }]);
  await push("subjects", [{ external_id: "math", name_ru: "Математика", name_kk: "Математика" }]);
  await push("assignments", [
    { external_id: "a1", class_external_id: "c7", subject_external_id: "math", teacher_external_id: "t1" },
  ]);
  await push(
    "enrolments",
    students.map((_, i) => ({ external_id: `e${i}`, class_external_id: "c7", student_external_id: `s${i}`, starts_on: "2026-09-01" })),
  );
  await push(
    "lessons",
    LESSON_DAYS.map((date, i) => ({ external_id: `l${i}`, assignment_external_id: "a1", date, number: 1, topic: "Дроби" })),
  );
  // By hand: five marks — «5» twice, «4», «3», «2» — on four students (Ахметов has two).
  const marks: [number, number, number][] = [
    [0, 0, 5],
    [1, 0, 5],
    [2, 0, 4],
    [3, 1, 3],
    [0, 1, 2],
  ];
  await push(
    "marks",
    marks.map(([student, lesson, value], i) => ({
      external_id: `m${i}`,
      student_external_id: `s${student}`,
      class_external_id: "c7",
      subject_external_id: "math",
      lesson_external_id: `l${lesson}`,
      value,
      entered_at: `${LESSON_DAYS[lesson]}T06:00:00Z`,
    })),
  );

  // 8. The employee opens «Статистика оценок» from the catalogue, chooses the school and sees those five marks.
  await desk.getByRole("link", { name: "Отчёты", exact: true }).first().click();
  await openFromCatalogue(desk, { id: "school.marks.statistics", title: "Статистика оценок", section: "school" });
  await chooseMatching(desk, "Образовательная организация", new RegExp(`^Импортная школа №1 ${stamp}$`));
  const report = desk.getByRole("region").filter({ has: desk.locator("table") });
  const row = report.locator("tbody tr", { hasText: "Математика" });
  await expect(row).toHaveCount(1);
  // №, subject, «5» «4» «3» «2» «1», total, shares 40 20 20 20 0 %, 4 students, 5 / 4 = 1.25 marks per student.
  const cells = await cellTexts(row);
  expect(cells.slice(0, 8)).toEqual(["1", "Математика", "2", "1", "1", "1", "0", "5"]);
  expect(cells.slice(8, 13).map((c) => c.replace(/\s*%$/, ""))).toEqual(["40", "20", "20", "20", "0"]);
  expect(cells.at(-2)).toBe("4");
  expect(cells.at(-1)).toMatch(/^1[,.]25$/);
  await admin.close();
  await employee.close();
});
