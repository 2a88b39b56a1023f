import { Anchor, Button, Card, Group, Stack, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { editApi } from "../api/edit";
import { usePage, useProfile, useSiteMutation, type PageRead } from "../api/profile";
import { DeleteButton } from "../../../components/DeleteButton";
import { MutationError } from "../../../components/MutationError";
import { useOrganizationId } from "./OrganizationSite";
import { RichText } from "../../../components/RichText";

function PageEditor({ organizationId, page, onDone }: { organizationId: number; page: PageRead; onDone: () => void }) {
  const { t } = useTranslation("profile");
  const [title, setTitle] = useState(page.title);
  const [body, setBody] = useState(page.body_html);
  const save = useSiteMutation(organizationId, () => editApi.updatePage(page.id, { title, body_html: body }));
  return (
    <Stack gap="xs" component="form" aria-label={t("edit.edit")} onSubmit={(e: React.FormEvent) => { e.preventDefault(); save.mutate(undefined, { onSuccess: onDone }); }}>
      <TextInput label={t("edit.pageTitle")} value={title} onChange={(e) => setTitle(e.currentTarget.value)} required />
      <Textarea label={t("edit.pageBody")} value={body} onChange={(e) => setBody(e.currentTarget.value)} autosize minRows={5} required />
      <MutationError error={save.error} />
      <Group>
        <Button type="submit" size="xs" loading={save.isPending}>{t("edit.save")}</Button>
        <Button size="xs" variant="default" onClick={onDone}>{t("edit.cancel")}</Button>
      </Group>
    </Stack>
  );
}

/** An interactive page of the profile; editors change or delete it. */
export function PageView() {
  const { t } = useTranslation("profile");
  const id = useOrganizationId();
  const { pageId } = useParams();
  const navigate = useNavigate();
  const page = usePage(id, Number(pageId));
  const profile = useProfile(id);
  const [editing, setEditing] = useState(false);
  const remove = useSiteMutation(id, () => editApi.deletePage(Number(pageId)));
  if (page.isError) return <Text c="red">{(page.error as Error).message}</Text>;
  if (!page.data) return null;
  const canEdit = Boolean(profile.data?.can_edit);
  return (
    <Card withBorder>
      <Anchor component={Link} to={`/o/${id}`} size="sm">← {t("tabs.profile")}</Anchor>
      {editing ? (
        <PageEditor organizationId={id} page={page.data} onDone={() => setEditing(false)} />
      ) : (
        <>
          <Title order={2} mt="xs">{page.data.title}</Title>
          <RichText html={page.data.body_html} />
        </>
      )}
      {canEdit && !editing && (
        <Group mt="md" gap="xs">
          <Button size="xs" variant="light" onClick={() => setEditing(true)}>{t("edit.edit")}</Button>
          <DeleteButton onConfirm={() => remove.mutate(undefined, { onSuccess: () => navigate(`/o/${id}`) })} loading={remove.isPending} />
        </Group>
      )}
      <MutationError error={remove.error} />
    </Card>
  );
}
