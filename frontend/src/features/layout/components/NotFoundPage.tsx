import { Button, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

/** Any path no route matches. */
export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <Stack align="center" py={80} gap="sm">
      <Title order={1}>404</Title>
      <Text>{t("app.notFound")}</Text>
      <Button component={Link} to="/">
        {t("app.toHome")}
      </Button>
    </Stack>
  );
}
