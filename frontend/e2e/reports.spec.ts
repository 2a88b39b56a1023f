import { readFileSync } from "node:fs";
import readXlsxFile from "read-excel-file/node";
import { expect, test } from "./fixtures";
import { baseUrl, catalogueAtCollection, cellTexts, chooseWhatItNeeds, esc, openFromCatalogue, type CatalogueReport } from "./helpers";
import type { Locator } from "@playwright/test";

/**
 * One test per report of GET /api/v1/reports (a new report gets its test for free): opened from the catalogue
 * by clicking, what it needs chosen through the filters, then the table against the API, the count line, the
 * methodology, the .xlsx (header and first row against the screen) and the print page.
 */
test.describe.configure({ mode: "parallel" });

const REPORTS = catalogueAtCollection();

interface ApiReport {
  rows: Record<string, unknown>[];
  count_label: string | null;
  methodology: string;
  title: string;
}

/** A cell as the screen shows it and as the .xlsx holds it, compared loosely (number formats differ). */
function sameCell(screen: string, file: unknown): boolean {
  const s = screen.replace(/[\s\u00a0\u202f]+/g, " ").trim();
  if (file === null || file === undefined || file === "") return s === "" || s === "нет данных" || s === "—";
  if (typeof file === "number") {
    const n = Number(s.replace(/[\s%]/g, "").replace(",", "."));
    return Number.isFinite(n) && (Math.abs(n - file) < 0.006 || Math.abs(n - file * 100) < 0.6);
  }
  if (typeof file === "boolean") return s === (file ? "✓" : "—");
  const f = String(file instanceof Date ? file.toISOString() : file).replace(/[\s\u00a0\u202f]+/g, " ").trim();
  return f === s || (f.replace(/ /g, "") === s.replace(/ /g, ""));
}

async function leafHeaders(table: Locator): Promise<string[]> {
  return (await table.locator("thead th[scope=col]").allInnerTexts()).map((h) => h.replace(/[⇅▲▼]/g, "").replace(/\s+/g, " ").trim());
}

for (const r of REPORTS as CatalogueReport[]) {
  test(`report ${r.id}: from the catalogue, through the filters, table, count, methodology, xlsx and print`, async ({ app: page, token }) => {
    await openFromCatalogue(page, r);
    await chooseWhatItNeeds(page, r);
    const table = page.getByRole("region").filter({ has: page.locator("table") }).locator("table");

    // The table against the API with the same filters as the URL.
    const search = new URL(page.url()).searchParams;
    search.set("lang", "ru");
    const response = await page.request.get(`${baseUrl()}/api/v1/reports/${r.id}?${search}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.ok(), await response.text()).toBeTruthy();
    const api = (await response.json()) as ApiReport;
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(api.title);
    const bodyRows = table.locator("tbody tr");
    const dataRows = table.locator("tbody tr:not([class*=subtotal])");
    if (api.rows.length > 0) await expect(bodyRows).toHaveCount(api.rows.length);
    else await expect(table.locator("tbody")).toContainText("Нет строк");
    if (api.count_label) {
      const shown = (await page.getByTestId("count-line").innerText()).replace(/[\s\u00a0\u202f]/g, "");
      expect(shown).toBe(api.count_label.replace(/[\s\u00a0\u202f]/g, ""));
    }
    await expect(page.getByRole("alert")).toHaveCount(0);

    // «Узнать, как строится отчёт».
    await page.getByRole("button", { name: "Узнать, как строится отчёт" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toContainText("Как строится отчёт");
    expect((await dialog.innerText()).length).toBeGreaterThan(200);
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();

    // Excel: the header and the first row of the file are those of the screen.
    const headers = await leafHeaders(table);
    const first = api.rows.some((row) => row._kind !== "subtotal") ? await cellTexts(dataRows.first()) : [];
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Экспорт в Excel" }).click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^${esc(r.id)}.*\\.xlsx$`));
    const sheets = await readXlsxFile(readFileSync(await download.path()));
    const grid = (Array.isArray(sheets[0]) ? (sheets as unknown as unknown[][]) : (sheets[0] as { data: unknown[][] }).data);
    const strings = new Set(grid.flat().map((v) => String(v ?? "").replace(/\s+/g, " ").trim()));
    for (const h of headers) expect(strings, `header «${h}» in the .xlsx`).toContain(h);
    if (first.length > 0) {
      const match = grid.find((row) => {
        const cells = row.slice(0, first.length);
        return cells.length === first.length && first.every((s, i) => sameCell(s, cells[i]));
      });
      expect(match, `first row ${JSON.stringify(first)} in the .xlsx`).toBeTruthy();
    }

    // The print page: the same title and first row.
    const [sheet] = await Promise.all([page.waitForEvent("popup"), page.getByRole("link", { name: "Печать" }).click()]);
    await expect(sheet.getByRole("heading", { name: api.title, level: 1 })).toBeVisible();
    if (first.length > 0) expect(await cellTexts(sheet.locator("tbody tr:not([class*=subtotal])").first())).toEqual(first);
    await sheet.close();
  });
}

test("every report GET /api/v1/reports lists has its test above, and no other", async ({ app: page, token }) => {
  const response = await page.request.get(`${baseUrl()}/api/v1/reports?lang=ru`, { headers: { Authorization: `Bearer ${token}` } });
  const items = ((await response.json()) as { items: { id: string }[] }).items.map((i) => i.id).sort();
  expect(items).toEqual(REPORTS.map((r) => r.id).sort());
  expect(items.length).toBeGreaterThanOrEqual(30);
});
