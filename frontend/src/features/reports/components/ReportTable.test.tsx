import { MantineProvider } from "@mantine/core";
import { fireEvent, render, screen, within } from "@testing-library/react";
import { Profiler } from "react";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import "../../../i18n";
import type { ReportColumn } from "../api/model";
import { groupSchoolReports } from "./CataloguePage";
import { ReportTable } from "./ReportTable";

const col = (id: string, title: string, kind = "int", children: ReportColumn[] = []): ReportColumn => ({ id, title, kind, children });
const columns = [
  col("no", "№"),
  col("name", "Район", "text"),
  col("users", "Пользователи", "int", [col("persons", "Всего"), col("registered", "Польз."), col("pct", "%", "percent")]),
];
const rows = [
  { no: 1, name: "Тест", persons: 1772, registered: 1056, pct: 59, _links: { name: "/organizations/5" } },
  { no: 2, name: "Тестовый район", persons: 1692, registered: null, pct: null },
];
const totals = { name: "Всего", persons: 3464, registered: 1504, pct: 43 };

function renderTable(props: Partial<Parameters<typeof ReportTable>[0]> = {}) {
  return render(
    <MantineProvider>
      <MemoryRouter>
        <ReportTable columns={columns} rows={rows} totals={totals} noData="нет данных" caption="Активность" {...props} />
      </MemoryRouter>
    </MantineProvider>,
  );
}

describe("ReportTable", () => {
  it("draws the grouped header, the rows, «нет данных» and the totals row", () => {
    renderTable();
    const table = screen.getByRole("table");
    const headerRows = within(table).getAllByRole("row").slice(0, 2);
    expect(within(headerRows[0]).getByText("Пользователи").closest("th")).toHaveAttribute("colspan", "3");
    expect(within(headerRows[0]).getByText("№").closest("th")).toHaveAttribute("rowspan", "2");
    expect(screen.getAllByText("нет данных")).toHaveLength(2);
    const total = screen.getByTestId("totals-row");
    expect(within(total).getByText("3 464")).toBeInTheDocument();
    expect(within(total).queryByText("нет данных")).toBeNull();
    expect(screen.getByRole("link", { name: "Тест" })).toHaveAttribute("href", "/o/5");
  });

  it("sorts by a column and renumbers the rows", () => {
    renderTable();
    fireEvent.click(screen.getByRole("button", { name: /«Всего»/ }));
    let body = screen.getAllByRole("row").slice(2, 4);
    expect(within(body[0]).getByText("Тестовый район")).toBeInTheDocument();
    expect(within(body[0]).getAllByRole("cell")[0]).toHaveTextContent("1");
    fireEvent.click(screen.getByRole("button", { name: /«Всего»/ }));
    body = screen.getAllByRole("row").slice(2, 4);
    expect(within(body[0]).getByText("Тест")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: /«Всего»/ }).closest("th")).toHaveAttribute("aria-sort", "descending");
  });

  it("does not sort grouped views with subtotal lines", () => {
    renderTable({ rows: [...rows, { _kind: "subtotal", name: "Итого: 2", persons: 3464 }] });
    expect(screen.queryByRole("button", { name: /«Всего»/ })).toBeNull();
  });

  it("settles after rendering a grouped view (no endless render loop)", async () => {
    // Regression: an unsorted grouped view passed a new `sorting` array on every render, the table queued a
    // page-index reset in a microtask, which rendered again, forever — the page froze before «Экспорт» could run.
    let commits = 0;
    const grouped = [...rows, { _kind: "subtotal", name: "Итого: 2", persons: 3464 }];
    const ui = () => (
      <MantineProvider>
        <MemoryRouter>
          <Profiler id="table" onRender={() => (commits += 1)}>
            <ReportTable columns={columns} rows={grouped} totals={totals} noData="нет данных" />
          </Profiler>
        </MemoryRouter>
      </MantineProvider>
    );
    const settle = async () => {
      for (let i = 0; i < 20; i++) await new Promise((ok) => setTimeout(ok, 0));
    };
    const { rerender } = render(ui());
    await settle();
    rerender(ui()); // any later render of the page (a refetch, a hover) used to start the loop
    await settle();
    expect(commits).toBeLessThan(6);
  });

  it("shows «—» for not-taught cells (`_na`) apart from «нет данных», with the legend under the table", () => {
    const matrix = [
      col("no", "№"),
      col("class", "Класс", "text"),
      col("subjects", "Предметы", "text", [col("s1", "Математика", "decimal"), col("s2", "Русский язык", "decimal")]),
    ];
    const legend = "— предмет не преподаётся в классе";
    renderTable({
      columns: matrix,
      rows: [
        { no: 1, class: "5Б", s1: 3.5, s2: null, _na: ["s2"] },
        { no: 2, class: "10А", s1: 2, s2: null },
      ],
      totals: null,
      notTaught: "—",
      notTaughtLegend: legend,
    });
    const body = screen.getAllByRole("row").slice(2);
    expect(within(body[0]).getAllByRole("cell")[3]).toHaveTextContent(/^—$/);
    expect(within(body[1]).getAllByRole("cell")[3]).toHaveTextContent("нет данных");
    expect(screen.getByTestId("not-taught-legend")).toHaveTextContent(legend);
  });

  it("has no legend when no cell is «—»", () => {
    renderTable({ notTaughtLegend: "— предмет не преподаётся в классе" });
    expect(screen.queryByTestId("not-taught-legend")).toBeNull();
  });

  it("says so when no rows match the filters", () => {
    renderTable({ rows: [], totals: null });
    expect(screen.getByText("Нет строк для выбранных фильтров")).toBeInTheDocument();
  });
});

describe("groupSchoolReports", () => {
  it("groups «Успеваемость: Школа» under «Успеваемость» as in figure 6", () => {
    const entry = (id: string, title: string) =>
      ({ id, title, titles: {}, section: "school", filters: [], views: [], requires_organization: true, paginated: false, formats: [] });
    const groups = groupSchoolReports([
      entry("school.performance.school", "Успеваемость: Школа"),
      entry("school.about", "Об организации"),
      entry("school.performance.classes", "Успеваемость: Классы"),
    ]);
    expect(groups.map((g) => [g.title, g.reports.map((r) => r.label)])).toEqual([
      ["Об организации", ["Об организации"]],
      ["Успеваемость", ["Школа", "Классы"]],
    ]);
  });

  it("freezes the № and name columns (header and cells) and links an organization row to its reports", () => {
    renderTable();
    const table = screen.getByRole("table");
    expect(within(table).getByRole("columnheader", { name: /Район/ }).className).toMatch(/stickyName/);
    expect(within(table).getByText("№").closest("th")!.className).toMatch(/stickyNo/);
    const first = within(table).getByRole("link", { name: "Тест" }).closest("td")!;
    expect(first.className).toMatch(/stickyName/);
    const reports = within(first).getAllByRole("link").find((a) => a.getAttribute("href")?.startsWith("/reports"));
    expect(reports).toHaveAttribute("href", "/reports?organization_id=5");
  });

  it("freezes the student's name rather than the class before it", () => {
    renderTable({
      columns: [col("no", "№"), col("class", "Класс", "text"), col("student", "Ученик", "text"), col("avg", "Балл", "decimal")],
      rows: [{ no: 1, class: "2А", student: "Ермекова Бибигүл Мұхтаровна", avg: 4.5 }],
      totals: null,
    });
    expect(screen.getByText("Ермекова Бибигүл Мұхтаровна").closest("td")!.className).toMatch(/stickyName/);
    expect(screen.getByText("2А").closest("td")!.className).not.toMatch(/sticky/);
  });

  it("does not freeze columns in the print layout", () => {
    renderTable({ print: true });
    expect(screen.getByText("Тестовый район").closest("td")!.className).not.toMatch(/sticky/);
  });
});
