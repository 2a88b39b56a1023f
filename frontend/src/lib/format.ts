/**
 * One formatter for the numbers and dates the UI shows, per UI language. It uses Intl where the browser holds
 * the locale's data, and a fallback of its own for Kazakh where it does not (Chromium builds without the kk
 * data print «2026 M12 5» and «13,945»).
 */

const LOCALES: Record<string, string> = { ru: "ru-RU", kk: "kk-KZ", en: "en-GB" };

export const KK_MONTHS = [
  "қаңтар",
  "ақпан",
  "наурыз",
  "сәуір",
  "мамыр",
  "маусым",
  "шілде",
  "тамыз",
  "қыркүйек",
  "қазан",
  "қараша",
  "желтоқсан",
];

/** The no-break space used between digit groups (ru and kk): «8 833», «13 945». */
export const GROUP = "\u00a0";

const probes = new Map<string, boolean>();

/** Whether Intl really has the language's data (not just a root-locale fallback). */
export function intlHasLocale(lang: string): boolean {
  const cached = probes.get(lang);
  if (cached !== undefined) return cached;
  let ok = false;
  try {
    const locale = LOCALES[lang] ?? lang;
    if (Intl.DateTimeFormat.supportedLocalesOf([locale]).length > 0) {
      const month = new Intl.DateTimeFormat(locale, { month: "long" }).format(new Date(2026, 0, 15));
      const number = new Intl.NumberFormat(locale).format(13945.5);
      if (lang === "kk") ok = month.toLocaleLowerCase().startsWith("қаңтар") && number === `13${GROUP}945,5`;
      else if (lang === "ru") ok = month.toLocaleLowerCase().startsWith("январ") && /^13\s945,5$/.test(number);
      else ok = true;
    }
  } catch {
    ok = false;
  }
  probes.set(lang, ok);
  return ok;
}

/** For tests: forget (or force) what the probe found. */
export function setLocaleProbe(lang: string, value: boolean | undefined): void {
  if (value === undefined) probes.delete(lang);
  else probes.set(lang, value);
}

function groupDigits(digits: string, separator: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

/** The fallback number format of ru/kk: groups of three (also for 4-digit numbers), decimal comma. */
function fallbackNumber(value: number, fractionDigits: number | undefined): string {
  const fixed = fractionDigits === undefined ? String(Math.abs(value)) : Math.abs(value).toFixed(fractionDigits);
  const [whole, fraction] = fixed.split(".");
  const sign = value < 0 ? "-" : "";
  return `${sign}${groupDigits(whole, GROUP)}${fraction ? `,${fraction}` : ""}`;
}

/** A number in the UI language: «8 833», «13 945», «4,25» (ru, kk); «13,945» (en). */
export function formatNumber(value: number, lang: string, fractionDigits?: number): string {
  if (!Number.isFinite(value)) return String(value);
  const useIntl = lang === "en" || intlHasLocale(lang);
  if (!useIntl) return fallbackNumber(value, fractionDigits);
  const options: Intl.NumberFormatOptions =
    fractionDigits === undefined
      ? { maximumFractionDigits: 20 }
      : { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits };
  // ru/kk CLDR data groups 4-digit numbers too ("always" keeps it so whatever the minimum grouping digits).
  const text = new Intl.NumberFormat(LOCALES[lang] ?? lang, { ...options, useGrouping: "always" }).format(value);
  return lang === "en" ? text : text.replace(/[\s\u202f]/g, GROUP);
}

/** Every integer of 4 or more digits inside a text (e.g. a count line «Всего 8833 ученика») in the UI format. */
export function formatNumbersIn(text: string, lang: string): string {
  return text.replace(/\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,.])|\d{4,}(?![\d,.])/g, (match) =>
    formatNumber(Number(match.replace(/[ \u00a0\u202f]/g, "")), lang),
  );
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

function toDate(value: string | Date): Date | null {
  const d = typeof value === "string" ? new Date(value) : value;
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Calendar fields of `d` as seen in `timeZone` (the browser's own zone when none is given or it is unknown). */
function fieldsIn(d: Date, timeZone?: string): { y: number; mo: number; day: number; h: number; mi: number } {
  if (timeZone) {
    try {
      const parts = new Intl.DateTimeFormat("en-GB", {
        timeZone,
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        hourCycle: "h23",
      }).formatToParts(d);
      const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
      return { y: get("year"), mo: get("month") - 1, day: get("day"), h: get("hour"), mi: get("minute") };
    } catch {
      // a zone the browser lacks: its own zone below
    }
  }
  return { y: d.getFullYear(), mo: d.getMonth(), day: d.getDate(), h: d.getHours(), mi: d.getMinutes() };
}

/** A date (and time) in the UI language: «5 дек. 2026 г., 08:08», «2026 ж. 5 желтоқсан, 08:08», «5 Dec 2026, 08:08»;
 * in `timeZone` when given (the report's zone), else the browser's. */
export function formatDateTime(
  value: string | Date | null | undefined,
  lang: string,
  withTime = true,
  timeZone?: string,
): string {
  if (!value) return "";
  const d = toDate(value);
  if (!d) return String(value);
  if (lang !== "en" && !intlHasLocale(lang)) {
    const f = fieldsIn(d, timeZone);
    if (lang === "kk") {
      const date = `${f.y} ж. ${f.day} ${KK_MONTHS[f.mo]}`;
      return withTime ? `${date}, ${pad(f.h)}:${pad(f.mi)}` : date;
    }
    const date = `${pad(f.day)}.${pad(f.mo + 1)}.${f.y}`;
    return withTime ? `${date}, ${pad(f.h)}:${pad(f.mi)}` : date;
  }
  const locale = LOCALES[lang] ?? lang;
  const zone = timeZone && validZone(timeZone) ? { timeZone } : {};
  const options: Intl.DateTimeFormatOptions =
    lang === "kk" ? { day: "numeric", month: "long", year: "numeric", ...zone } : { dateStyle: "medium", ...zone };
  const date = d.toLocaleDateString(locale, options);
  if (!withTime) return date;
  const time = d.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit", hour12: false, ...zone });
  return `${date}, ${time}`;
}

function validZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** An ISO date (yyyy-mm-dd) as the UI language writes it in tables: «19.12.2019» (ru, kk, as in the .xlsx), «19/12/2019» (en). */
export function formatIsoDate(value: string, lang: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return value;
  const [, y, m, d] = match;
  return lang === "en" ? `${d}/${m}/${y}` : `${d}.${m}.${y}`;
}
