import { afterEach, describe, expect, it } from "vitest";
import { formatDateTime, formatIsoDate, formatNumber, formatNumbersIn, KK_MONTHS, setLocaleProbe } from "./format";

const NB = "\u00a0";

afterEach(() => {
  setLocaleProbe("kk", undefined);
  setLocaleProbe("ru", undefined);
});

describe("formatNumber", () => {
  it("groups 4- and 5-digit numbers alike in ru and kk", () => {
    for (const lang of ["ru", "kk"]) {
      expect(formatNumber(8833, lang)).toBe(`8${NB}833`);
      expect(formatNumber(13945, lang)).toBe(`13${NB}945`);
      expect(formatNumber(512, lang)).toBe("512");
      expect(formatNumber(4.25, lang, 2)).toBe("4,25");
    }
    expect(formatNumber(13945, "en")).toBe("13,945");
    expect(formatNumber(8833, "en")).toBe("8,833");
  });

  it("has the same output without the browser's kk data (the fallback)", () => {
    setLocaleProbe("kk", false);
    expect(formatNumber(8833, "kk")).toBe(`8${NB}833`);
    expect(formatNumber(13945, "kk")).toBe(`13${NB}945`);
    expect(formatNumber(1234567.5, "kk", 2)).toBe(`1${NB}234${NB}567,50`);
    expect(formatNumber(-4.5, "kk", 2)).toBe("-4,50");
    expect(formatNumber(18, "kk", 0)).toBe("18");
  });

  it("reformats the numbers inside a count line", () => {
    expect(formatNumbersIn("Всего 8833 учеников", "ru")).toBe(`Всего 8${NB}833 учеников`);
    expect(formatNumbersIn("Всего 13 945 учеников", "ru")).toBe(`Всего 13${NB}945 учеников`);
    expect(formatNumbersIn("Барлығы 24 ұйым", "kk")).toBe("Барлығы 24 ұйым");
    expect(formatNumbersIn("Total 13945 students", "en")).toBe("Total 13,945 students");
  });
});

describe("formatDateTime", () => {
  const d = new Date(2026, 11, 5, 8, 8);

  it("writes Kazakh month names without the browser's kk data", () => {
    setLocaleProbe("kk", false);
    expect(formatDateTime(d, "kk")).toBe("2026 ж. 5 желтоқсан, 08:08");
    expect(formatDateTime(new Date(2026, 0, 15), "kk", false)).toBe("2026 ж. 15 қаңтар");
    expect(KK_MONTHS).toHaveLength(12);
    KK_MONTHS.forEach((month, i) => expect(formatDateTime(new Date(2026, i, 1), "kk", false)).toContain(month));
  });

  it("never prints the root-locale «M12» form", () => {
    for (const lang of ["ru", "kk", "en"]) expect(formatDateTime(d, lang)).not.toMatch(/M\d/);
    expect(formatDateTime(d, "kk")).toContain("желтоқсан");
    expect(formatDateTime(d, "ru")).toMatch(/^5 дек\.? 2026/);
    expect(formatDateTime(d, "ru")).toContain("08:08");
    expect(formatDateTime(d, "en")).toBe("5 Dec 2026, 08:08");
  });

  it("leaves empty and unreadable values alone", () => {
    expect(formatDateTime(null, "ru")).toBe("");
    expect(formatDateTime("nonsense", "ru")).toBe("nonsense");
  });
});

describe("formatIsoDate", () => {
  it("writes table dates as the .xlsx does, never ISO", () => {
    expect(formatIsoDate("2019-12-19", "ru")).toBe("19.12.2019");
    expect(formatIsoDate("2019-12-19", "kk")).toBe("19.12.2019");
    expect(formatIsoDate("2019-12-19", "en")).toBe("19/12/2019");
    expect(formatIsoDate("1А", "ru")).toBe("1А");
  });
});
