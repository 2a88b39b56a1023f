import { describe, expect, it } from "vitest";
import { queryFromSearch, toSearch, withFilter } from "./reports";
import { fileNameFrom, formatBytes } from "../../../lib/files";
import { exportParams } from "./exportFile";

describe("filters in the URL", () => {
  it("reads known filters and the view, ignores the rest", () => {
    const q = queryFromSearch(new URLSearchParams("region_id=1&district_id=2&view=by_type&evil=1"));
    expect(q).toEqual({ region_id: "1", district_id: "2", view: "by_type" });
  });

  it("clears the filters below a changed one in the cascade, and the page", () => {
    const q = { region_id: "1", district_id: "2", org_type_id: "3", organization_id: "4", class_id: "5", view: "all", page: "3" };
    expect(withFilter(q, "district_id", "7")).toEqual({ region_id: "1", district_id: "7", view: "all" });
    expect(withFilter(q, "region_id", null)).toEqual({ view: "all" });
  });

  it("keeps filters outside the cascade when one below them changes", () => {
    expect(withFilter({ period_id: "9", region_id: "1" }, "district_id", "2")).toEqual({
      period_id: "9",
      region_id: "1",
      district_id: "2",
    });
  });

  it("writes the query string without empty values", () => {
    expect(toSearch({ region_id: "1", district_id: "" }, { lang: "kk" }).toString()).toBe("region_id=1&lang=kk");
  });
});

describe("export", () => {
  it("takes the file name from Content-Disposition", () => {
    expect(fileNameFrom('attachment; filename="registry-2026-11-28.xlsx"', "x.xlsx")).toBe("registry-2026-11-28.xlsx");
    expect(fileNameFrom("attachment; filename*=UTF-8''%D0%A0%D0%B5%D0%B5%D1%81%D1%82%D1%80.xlsx", "x.xlsx")).toBe("Реестр.xlsx");
    expect(fileNameFrom(null, "x.xlsx")).toBe("x.xlsx");
  });

  it("asks for CSV with «;» for Excel in ru and kk, with «,» in en, and keeps the filters", () => {
    const search = new URLSearchParams("district_id=2&lang=ru");
    expect(exportParams(search, "csv", "ru").toString()).toBe("district_id=2&lang=ru&format=csv&delimiter=semicolon");
    expect(exportParams(search, "csv", "kk").get("delimiter")).toBe("semicolon");
    expect(exportParams(search, "csv", "en").get("delimiter")).toBeNull();
    expect(exportParams(search, "xlsx", "ru").toString()).toBe("district_id=2&lang=ru&format=xlsx");
  });

  it("formats sizes", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(2048)).toBe("2.0 KB");
    expect(formatBytes(3 * 1024 * 1024)).toBe("3.0 MB");
  });
});
