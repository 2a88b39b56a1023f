import { Modal, Text, TypographyStylesProvider } from "@mantine/core";
import { useTranslation } from "react-i18next";

/** «Узнать, как строится отчёт»: the report's methodology text (paragraphs and lists kept). */
export function MethodologyModal({ opened, onClose, title, text }: { opened: boolean; onClose: () => void; title: string; text: string }) {
  const { t } = useTranslation();
  const paragraphs = text.split(/\n{2,}/);
  return (
    <Modal opened={opened} onClose={onClose} title={<b>{t("report.methodology")}</b>} size="lg">
      <Text fw={600} mb="sm">
        {title}
      </Text>
      <TypographyStylesProvider>
        {paragraphs.map((p, i) => (
          <p key={i} style={{ whiteSpace: "pre-line" }}>
            {p}
          </p>
        ))}
      </TypographyStylesProvider>
    </Modal>
  );
}
