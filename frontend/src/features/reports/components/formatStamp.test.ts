import { describe, expect, it } from "vitest";
import { formatStamp } from "./ReportPage";

describe("formatStamp", () => {
  it("shows the report's time zone, as the .xlsx and the print page do, whatever the browser's zone", () => {
    // 08:08 UTC is 13:08 in Asia/Almaty (UTC+5): the engine sends "2026-12-05T13:08:00+05:00".
    expect(formatStamp("2026-12-05T13:08:00+05:00", "ru", "Asia/Almaty")).toContain("13:08");
    expect(formatStamp("2026-12-05T08:08:00+00:00", "ru", "Asia/Almaty")).toContain("13:08");
    expect(formatStamp("2026-12-05T13:08:00+05:00", "ru", "UTC")).toContain("08:08");
  });
});
