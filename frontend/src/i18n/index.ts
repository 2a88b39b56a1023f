import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import { en } from "./en";
import { kk } from "./kk";
import { profileEn, profileKk, profileRu } from "./profile";
import { ru } from "./ru";

export const LANGUAGES = [
  { code: "ru", label: "Русский", short: "РУС" },
  { code: "kk", label: "Қазақша", short: "ҚАЗ" },
  { code: "en", label: "English", short: "ENG" },
] as const;
export type Language = (typeof LANGUAGES)[number]["code"];

const STORAGE_KEY = "bilim.lang";

/** The language stored by the user's last choice, Russian by default. */
export function initialLanguage(): Language {
  const stored = typeof localStorage === "undefined" ? null : localStorage.getItem(STORAGE_KEY);
  return LANGUAGES.some((l) => l.code === stored) ? (stored as Language) : "ru";
}

/** Every namespace in every language: `translation` (the default) and the features' own (`profile`). */
export const resources = {
  ru: { translation: ru, profile: profileRu },
  kk: { translation: kk, profile: profileKk },
  en: { translation: en, profile: profileEn },
} as const;

void i18n.use(initReactI18next).init({
  resources,
  lng: initialLanguage(),
  fallbackLng: "ru",
  interpolation: { escapeValue: false },
  returnNull: false,
  react: { useSuspense: false },
});

i18n.on("languageChanged", (lng) => {
  if (typeof localStorage !== "undefined") localStorage.setItem(STORAGE_KEY, lng);
  if (typeof document !== "undefined") document.documentElement.lang = lng;
});

export default i18n;
