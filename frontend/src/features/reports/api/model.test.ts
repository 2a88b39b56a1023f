import { describe, expect, it } from "vitest";
import { cellHref, formatCell, headerRows, leafColumns, type ReportColumn } from "./model";

const col = (id: string, children: ReportColumn[] = [], kind = "int"): ReportColumn => ({ id, title: id, kind, children });

// The activity report's header (figure 7): three rows.
const activity: ReportColumn[] = [
  col("no"),
  col("name", [], "text"),
  col("users", [
    col("persons"),
    col("registered"),
    col("pct", [], "percent"),
    col("staff", [col("staff_total"), col("staff_users")]),
    col("students", [col("students_total"), col("students_users")]),
  ]),
  col("visits", [col("day"), col("week"), col("month")]),
];

describe("headerRows", () => {
  it("spans groups over their leaves and leaves down to the last header row", () => {
    const rows = headerRows(activity);
    expect(rows).toHaveLength(3);
    const top = rows[0].map((c) => [c.column.id, c.colSpan, c.rowSpan]);
    expect(top).toEqual([
      ["no", 1, 3],
      ["name", 1, 3],
      ["users", 7, 1],
      ["visits", 3, 1],
    ]);
    const second = rows[1].map((c) => [c.column.id, c.colSpan, c.rowSpan]);
    expect(second).toEqual([
      ["persons", 1, 2],
      ["registered", 1, 2],
      ["pct", 1, 2],
      ["staff", 2, 1],
      ["students", 2, 1],
      ["day", 1, 2],
      ["week", 1, 2],
      ["month", 1, 2],
    ]);
    expect(rows[2].map((c) => c.column.id)).toEqual(["staff_total", "staff_users", "students_total", "students_users"]);
  });

  it("is one row for a flat column list", () => {
    const rows = headerRows([col("a"), col("b")]);
    expect(rows).toHaveLength(1);
    expect(rows[0].every((c) => c.rowSpan === 1 && c.colSpan === 1)).toBe(true);
  });

  it("lists the leaves left to right", () => {
    expect(leafColumns(activity).map((c) => c.id)).toEqual([
      "no", "name", "persons", "registered", "pct", "staff_total", "staff_users",
      "students_total", "students_users", "day", "week", "month",
    ]);
  });
});

describe("formatCell", () => {
  it("says «нет данных» for a missing value, never empty or null", () => {
    expect(formatCell(null, "int", "нет данных", "ru")).toBe("нет данных");
    expect(formatCell(undefined, "text", "деректер жоқ", "kk")).toBe("деректер жоқ");
    expect(formatCell("", "text", "no data", "en")).toBe("no data");
  });

  it("keeps zero and shows averages with two decimals", () => {
    expect(formatCell(0, "int", "нет данных", "ru")).toBe("0");
    expect(formatCell(4.5, "decimal", "нет данных", "en")).toBe("4.50");
    expect(formatCell(4.5, "decimal", "нет данных", "ru")).toBe("4,50");
  });

  it("writes ISO dates as dates of the UI language (as the .xlsx does)", () => {
    expect(formatCell("2019-12-19", "text", "нет данных", "ru")).toBe("19.12.2019");
  });

  it("groups 4-digit numbers like 5-digit ones (no «8833» next to «13 945»)", () => {
    expect(formatCell(8833, "int", "нет данных", "ru")).toBe("8\u00a0833");
    expect(formatCell(13945, "int", "нет данных", "kk")).toBe("13\u00a0945");
  });
});

describe("cellHref", () => {
  it("sends organization links to the profile route", () => {
    expect(cellHref({ _links: { name: "/organizations/12" } }, "name")).toBe("/o/12");
    expect(cellHref({ _links: { name: "/organizations/12" } }, "type")).toBeNull();
    expect(cellHref({}, "name")).toBeNull();
  });
});
