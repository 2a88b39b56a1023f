import { describe, expect, it } from "vitest";
import { safeNext } from "./LoginPage";

describe("safeNext", () => {
  it("returns to same-origin paths only", () => {
    expect(safeNext("/reports/registry?view=by_type")).toBe("/reports/registry?view=by_type");
    expect(safeNext("//evil.example/x")).toBe("/reports");
    expect(safeNext("https://evil.example")).toBe("/reports");
    expect(safeNext("/login?next=/x")).toBe("/reports");
    expect(safeNext(null)).toBe("/reports");
  });
});
