import { ActionIcon, Anchor, Button, Card, FileInput, Group, MultiSelect, Stack, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { MutationError } from "../../../components/MutationError";
import { editApi, useProfileAdmins, websiteHref } from "../api/edit";
import { useSiteMutation, type NewsRead, type OrganizationCard, type PageBrief, type ProfileRead } from "../api/profile";

/** Description (rich text) and contacts of the organization. */
export function ProfileEditor({ organizationId, org, onDone }: { organizationId: number; org: OrganizationCard; onDone: () => void }) {
  const { t } = useTranslation("profile");
  const [form, setForm] = useState({
    description: org.description ?? "",
    postal_address: org.postal_address ?? "",
    building_address: org.building_address ?? "",
    phones: org.phones ?? "",
    email: org.email ?? "",
    website: org.website ?? "",
  });
  const save = useSiteMutation(organizationId, () =>
    // A website typed without a scheme gets https:// (the API keeps only http and https addresses).
    editApi.updateProfile(organizationId, { ...form, email: form.email || null, website: websiteHref(form.website) ?? (form.website || null) }),
  );
  const field = (key: keyof typeof form, label: string) => (
    <TextInput label={label} value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.currentTarget.value })} />
  );
  return (
    <Card withBorder component="form" aria-label={t("edit.profileTitle")} onSubmit={(e: React.FormEvent) => { e.preventDefault(); save.mutate(undefined, { onSuccess: onDone }); }}>
      <Stack gap="xs">
        <Title order={3} size="h5">{t("edit.profileTitle")}</Title>
        <Textarea label={t("edit.description")} value={form.description} onChange={(e) => setForm({ ...form, description: e.currentTarget.value })} autosize minRows={4} />
        {field("postal_address", t("profile.postal"))}
        {field("building_address", t("profile.building"))}
        {field("phones", t("profile.phones"))}
        {field("email", t("profile.email"))}
        {field("website", t("profile.website"))}
        <MutationError error={save.error} />
        <Group>
          <Button type="submit" loading={save.isPending}>{t("edit.save")}</Button>
          <Button variant="default" onClick={onDone}>{t("edit.cancel")}</Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** Edit a news post: title, text, another image. */
export function NewsEditor({ organizationId, news, onDone }: { organizationId: number; news: NewsRead; onDone: () => void }) {
  const { t } = useTranslation("profile");
  const [title, setTitle] = useState(news.title);
  const [body, setBody] = useState(news.body_html);
  const [image, setImage] = useState<File | null>(null);
  const save = useSiteMutation(organizationId, async () => {
    await editApi.updateNews(news.id, { title, body_html: body });
    if (image) await editApi.addNewsImage(news.id, image);
  });
  return (
    <Stack gap="xs" component="form" aria-label={t("edit.edit")} onSubmit={(e: React.FormEvent) => { e.preventDefault(); save.mutate(undefined, { onSuccess: onDone }); }}>
      <TextInput label={t("profile.newsTitle")} value={title} onChange={(e) => setTitle(e.currentTarget.value)} required />
      <Textarea label={t("profile.newsBody")} value={body} onChange={(e) => setBody(e.currentTarget.value)} autosize minRows={3} required />
      <FileInput label={t("edit.newsImage")} value={image} onChange={setImage} accept="image/png,image/jpeg" clearable />
      <MutationError error={save.error} />
      <Group>
        <Button type="submit" size="xs" loading={save.isPending}>{t("edit.save")}</Button>
        <Button size="xs" variant="default" onClick={onDone}>{t("edit.cancel")}</Button>
      </Group>
    </Stack>
  );
}

/** The pages menu; editors add pages and move them up and down. */
export function PagesCard({ organizationId, pages, canEdit }: { organizationId: number; pages: PageBrief[]; canEdit: boolean }) {
  const { t } = useTranslation("profile");
  const [adding, setAdding] = useState(false);
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const create = useSiteMutation(organizationId, () => editApi.createPage(organizationId, { title, body_html: body }));
  const order = useSiteMutation(organizationId, (ids: number[]) => editApi.orderPages(organizationId, ids));
  if (pages.length === 0 && !canEdit) return null;
  const move = (index: number, delta: number) => {
    const ids = pages.map((p) => p.id);
    const [id] = ids.splice(index, 1);
    ids.splice(index + delta, 0, id);
    order.mutate(ids);
  };
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="xs">{t("profile.pages")}</Title>
      <Stack gap={4}>
        {pages.map((p, i) => (
          <Group key={p.id} gap={4} justify="space-between" wrap="nowrap">
            <Anchor component={Link} to={`/o/${organizationId}/pages/${p.id}`}>{p.title}</Anchor>
            {canEdit && (
              <Group gap={2} wrap="nowrap">
                <ActionIcon variant="subtle" size="sm" disabled={i === 0} aria-label={`${t("edit.up")}: ${p.title}`} onClick={() => move(i, -1)}>↑</ActionIcon>
                <ActionIcon variant="subtle" size="sm" disabled={i === pages.length - 1} aria-label={`${t("edit.down")}: ${p.title}`} onClick={() => move(i, 1)}>↓</ActionIcon>
              </Group>
            )}
          </Group>
        ))}
        <MutationError error={order.error} />
        {canEdit && !adding && <Button size="xs" variant="light" mt="xs" onClick={() => setAdding(true)}>{t("edit.addPage")}</Button>}
        {canEdit && adding && (
          <Stack gap="xs" mt="xs" component="form" aria-label={t("edit.addPage")} onSubmit={(e: React.FormEvent) => {
            e.preventDefault();
            create.mutate(undefined, { onSuccess: () => { setTitle(""); setBody(""); setAdding(false); } });
          }}>
            <TextInput label={t("edit.pageTitle")} value={title} onChange={(e) => setTitle(e.currentTarget.value)} required />
            <Textarea label={t("edit.pageBody")} value={body} onChange={(e) => setBody(e.currentTarget.value)} autosize minRows={3} required />
            <MutationError error={create.error} />
            <Group>
              <Button type="submit" size="xs" loading={create.isPending}>{t("edit.save")}</Button>
              <Button size="xs" variant="default" onClick={() => setAdding(false)}>{t("edit.cancel")}</Button>
            </Group>
          </Stack>
        )}
      </Stack>
    </Card>
  );
}

/** «Администраторы»: body administrators and named profile administrators; a body administrator names them. */
export function AdminsCard({ organizationId, profile }: { organizationId: number; profile: ProfileRead }) {
  const { t } = useTranslation("profile");
  const [editing, setEditing] = useState(false);
  const admins = useProfileAdmins(organizationId, editing);
  const [chosen, setChosen] = useState<string[] | null>(null);
  const save = useSiteMutation(organizationId, (ids: number[]) => editApi.setProfileAdmins(organizationId, ids));
  if (profile.administrators.length === 0 && !profile.can_name_admins) return null;
  const value = chosen ?? admins.data?.items.map((a) => String(a.user_id)) ?? [];
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="xs">{t("profile.admins")}</Title>
      {profile.administrators.map((a) => (
        <Text key={a.user_id} size="sm">
          {a.full_name}
          {a.profile_admin && <Text span size="xs" c="dimmed"> — {t("edit.profileAdmin")}</Text>}
        </Text>
      ))}
      {profile.can_name_admins && !editing && (
        <Button size="xs" variant="light" mt="xs" onClick={() => setEditing(true)}>{t("edit.admins")}</Button>
      )}
      {editing && (
        <Stack gap="xs" mt="xs">
          <MultiSelect label={t("edit.admins")} description={t("edit.adminsHint")} placeholder={t("edit.adminsChoose")} searchable
            data={(admins.data?.candidates ?? []).map((c) => ({ value: String(c.user_id), label: c.full_name }))}
            value={value} onChange={setChosen} />
          <MutationError error={save.error ?? admins.error} />
          <Group>
            <Button size="xs" loading={save.isPending} onClick={() => save.mutate(value.map(Number), { onSuccess: () => { setEditing(false); setChosen(null); } })}>{t("edit.save")}</Button>
            <Button size="xs" variant="default" onClick={() => { setEditing(false); setChosen(null); }}>{t("edit.cancel")}</Button>
          </Group>
        </Stack>
      )}
    </Card>
  );
}
