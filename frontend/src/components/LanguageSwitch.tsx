import { SegmentedControl } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { LANGUAGES } from "../i18n";

/** Switches the interface language between ru, kk and en. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t("app.language")}
      value={i18n.resolvedLanguage ?? "ru"}
      onChange={(value) => void i18n.changeLanguage(value)}
      data={LANGUAGES.map((l) => ({ value: l.code, label: l.short }))}
    />
  );
}
