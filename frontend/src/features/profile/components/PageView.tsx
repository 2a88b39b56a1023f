import { Anchor, Card, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { usePage } from "../api/profile";
import { useOrganizationId } from "./OrganizationSite";
import { RichText } from "./RichText";

/** An interactive page of the profile. */
export function PageView() {
  const { t } = useTranslation("profile");
  const id = useOrganizationId();
  const { pageId } = useParams();
  const page = usePage(id, Number(pageId));
  if (page.isError) return <Text c="red">{(page.error as Error).message}</Text>;
  if (!page.data) return null;
  return (
    <Card withBorder>
      <Anchor component={Link} to={`/o/${id}`} size="sm">← {t("tabs.profile")}</Anchor>
      <Title order={2} mt="xs">{page.data.title}</Title>
      <RichText html={page.data.body_html} />
    </Card>
  );
}
