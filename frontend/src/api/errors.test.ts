import { afterEach, describe, expect, it } from "vitest";
import i18n from "../i18n";
import { ApiError } from "./client";
import { describeError, ERROR_CODES, localizeError } from "./errors";

const t = i18n.t.bind(i18n);
const envelope = (code: string, message: string, field?: string) => ({
  error: { code, message: field ? `${field}: ${message}` : message, details: field ? [{ field, message }] : [] },
});
const LATIN_WORD = /[A-Za-z]{3,}/;

afterEach(() => void i18n.changeLanguage("ru"));

describe("localizeError", () => {
  it("says the errors of the issue in Russian and Kazakh, once, with the field", async () => {
    for (const lang of ["ru", "kk"]) {
      await i18n.changeLanguage(lang);
      const cases = [
        [422, envelope("invalid_input", "the date range is upside down: date_from is after date_to", "date_from"), "date_from"],
        [422, envelope("invalid_input", "Input should be a valid integer, unable to parse string as an integer", "class_id"), "class_id"],
        [404, envelope("not_found", "organization_id: organization 999 not found", "organization_id"), "organization_id"],
        [422, envelope("invalid_input", "the report is about one organization: choose it", "organization_id"), "organization_id"],
      ] as const;
      for (const [status, body, field] of cases) {
        const out = localizeError(status, body, t);
        expect(out.field).toBe(field);
        expect(out.message, `${lang} ${JSON.stringify(body)}`).not.toMatch(LATIN_WORD);
        expect(out.message).not.toContain(field);
      }
    }
  });

  it("says the data export's refusals in the user's language", async () => {
    const running = envelope("conflict", "an export of yours is running (job 0123); wait for it to finish", "export");
    const notReady = envelope("conflict", "the export is not finished", "export");
    const outside = envelope("not_found", "organization 7 not found in your subtree", "organization_id");
    for (const [lang, words] of [["ru", "выгрузка"], ["kk", "түсіру"], ["en", "export"]] as const) {
      await i18n.changeLanguage(lang);
      expect(localizeError(409, running, t).message.toLowerCase()).toContain(words);
      expect(localizeError(409, notReady, t).message).toBe(t("errors.exportNotReady"));
      const out = localizeError(404, outside, t);
      expect(out.field).toBe("organization_id");
      if (lang !== "en") expect(out.message).not.toMatch(LATIN_WORD);
    }
  });

  it("has a text of its own for every code in every language, and a generic one for unknown codes", async () => {
    for (const lang of ["ru", "kk", "en"]) {
      await i18n.changeLanguage(lang);
      for (const code of ERROR_CODES) {
        const key = `errors.${code}`;
        expect(i18n.exists(key), `${lang} ${key}`).toBe(true);
      }
    }
    await i18n.changeLanguage("ru");
    expect(localizeError(418, envelope("teapot_error", "I am a teapot"), t).message).toBe(t("errors.bad_request"));
    expect(localizeError(502, "<html>Bad gateway</html>", t).message).toBe(t("errors.service_unavailable"));
    expect(localizeError(422, envelope("invalid_input", "weird", "some_unknown_field"), t).message).toBe(
      t("errors.invalid_input"),
    );
    expect(describeError(new TypeError("Failed to fetch"), t).message).toBe(t("errors.network"));
    expect(describeError(new Error("boom"), t).message).toBe(t("errors.generic"));
  });

  it("names the date range error next to the «С даты» field", () => {
    const out = localizeError(422, envelope("invalid_input", "the date range is upside down", "date_from"), t);
    expect(out).toEqual({ message: "Дата «С» позже даты «По».", field: "date_from", code: "invalid_input" });
  });
});

describe("ApiError", () => {
  it("reads its message in the current UI language, never the server's English", async () => {
    const error = new ApiError(404, "organization_id: organization 999 not found", envelope("not_found", "organization 999 not found", "organization_id"));
    expect(error.message).toBe("«Образовательная организация»: значение не найдено среди ваших организаций.");
    await i18n.changeLanguage("kk");
    expect(error.message).toContain("Білім беру ұйымы");
    expect(error.serverMessage).toContain("not found");
  });
});
