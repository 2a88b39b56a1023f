import { Button, Group } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

/** A delete button that asks once more before it deletes. */
export function DeleteButton({ onConfirm, label, loading }: { onConfirm: () => void; label?: string; loading?: boolean }) {
  const { t } = useTranslation("profile");
  const [armed, setArmed] = useState(false);
  if (!armed) {
    return <Button size="xs" variant="subtle" color="red" aria-label={label} onClick={() => setArmed(true)}>{t("edit.delete")}</Button>;
  }
  return (
    <Group gap={4} wrap="nowrap">
      <Button size="xs" color="red" loading={loading} onClick={() => { setArmed(false); onConfirm(); }}>{t("edit.confirmDelete")}</Button>
      <Button size="xs" variant="default" onClick={() => setArmed(false)}>{t("edit.cancel")}</Button>
    </Group>
  );
}
