import { Alert, Anchor, Badge, Button, Card, Group, Image, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useAuth } from "../../../lib/auth/AuthProvider";
import { fileSize, profileApi, useProfile, useSiteMutation, type OrganizationCard } from "../api/profile";
import { useOrganizationId } from "./OrganizationSite";
import { websiteHref } from "../api/edit";
import { DeleteButton } from "../../../components/DeleteButton";
import { AdminsCard, NewsEditor, PagesCard, ProfileEditor } from "./EditControls";
import { RichText } from "../../../components/RichText";

function Contacts({ org }: { org: OrganizationCard }) {
  const { t } = useTranslation("profile");
  const rows: [string, string | null | undefined][] = [
    [t("profile.postal"), org.postal_address],
    [t("profile.building"), org.building_address],
    [t("profile.phones"), org.phones],
    [t("profile.email"), org.email],
    [t("profile.website"), org.website],
  ];
  return (
    <Stack gap={4}>
      {rows
        .filter(([, v]) => v)
        .map(([label, value]) => (
          <Text key={label} size="sm">
            <Text span c="dimmed">
              {label}:
            </Text>{" "}
            {label === t("profile.website") && websiteHref(value) ? (
              <Anchor href={websiteHref(value) ?? undefined} target="_blank" rel="noopener noreferrer">
                {value}
              </Anchor>
            ) : (
              value
            )}
          </Text>
        ))}
    </Stack>
  );
}

function NewsForm({ organizationId }: { organizationId: number }) {
  const { t } = useTranslation("profile");
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const create = useSiteMutation(organizationId, () => profileApi.createNews(organizationId, { title, body_html: body }));
  return (
    <Card withBorder component="form" onSubmit={(e: React.FormEvent) => {
      e.preventDefault();
      create.mutate(undefined, { onSuccess: () => { setTitle(""); setBody(""); } });
    }}>
      <Stack gap="xs">
        <Title order={3} size="h5">{t("profile.addNews")}</Title>
        <TextInput label={t("profile.newsTitle")} value={title} onChange={(e) => setTitle(e.currentTarget.value)} required />
        <Textarea label={t("profile.newsBody")} value={body} onChange={(e) => setBody(e.currentTarget.value)} autosize minRows={3} required />
        {create.isError && <Alert color="red" role="alert">{(create.error as Error).message}</Alert>}
        <Group><Button type="submit" loading={create.isPending}>{t("profile.publish")}</Button></Group>
      </Stack>
    </Card>
  );
}

function Wall({ organizationId }: { organizationId: number }) {
  const { t } = useTranslation("profile");
  const [text, setText] = useState("");
  const post = useSiteMutation(organizationId, () => profileApi.postWall(organizationId, text));
  return (
    <form onSubmit={(e) => { e.preventDefault(); post.mutate(undefined, { onSuccess: () => setText("") }); }}>
      <Group align="flex-end">
        <Textarea aria-label={t("profile.wallPlaceholder")} placeholder={t("profile.wallPlaceholder")} value={text} onChange={(e) => setText(e.currentTarget.value)} style={{ flex: 1 }} autosize minRows={1} required />
        <Button type="submit" loading={post.isPending}>{t("profile.send")}</Button>
      </Group>
      {post.isError && <Alert color="red" role="alert" mt="xs">{(post.error as Error).message}</Alert>}
    </form>
  );
}

/** Вкладка «Профиль»: description, contacts, news, pages, leaders and administrators, newest documents, the wall. */
export function ProfileTab() {
  const { t, i18n } = useTranslation("profile");
  const id = useOrganizationId();
  const { status } = useAuth();
  const profile = useProfile(id);
  const remove = useSiteMutation(id, (newsId: number) => profileApi.deleteNews(newsId));
  const [editingProfile, setEditingProfile] = useState(false);
  const [editingNews, setEditingNews] = useState<number | null>(null);
  const data = profile.data;
  if (!data) return null;
  const dateFmt = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: "long" });
  return (
    <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
      <Stack gap="lg" style={{ gridColumn: "span 2" }}>
        <section aria-labelledby="about">
          <Group justify="space-between">
            <Title order={2} size="h3" id="about">{t("profile.about")}</Title>
            {data.can_edit && !editingProfile && <Button size="xs" variant="light" onClick={() => setEditingProfile(true)}>{t("edit.profileTitle")}</Button>}
          </Group>
          {editingProfile ? (
            <ProfileEditor organizationId={id} org={data.organization} onDone={() => setEditingProfile(false)} />
          ) : data.organization.description ? <RichText html={data.organization.description} /> : <Text c="dimmed">{t("profile.noDescription")}</Text>}
        </section>
        <section aria-labelledby="news">
          <Title order={2} size="h3" id="news" mb="sm">{t("profile.news")}</Title>
          {data.can_edit && <NewsForm organizationId={id} />}
          {data.news.length === 0 && <Text c="dimmed">{t("profile.noNews")}</Text>}
          <Stack gap="md" mt="md">
            {data.news.map((n) => (
              <Card key={n.id} withBorder component="article" aria-label={n.title}>
                {editingNews === n.id ? (
                  <NewsEditor organizationId={id} news={n} onDone={() => setEditingNews(null)} />
                ) : (
                  <>
                    <Title order={3} size="h4">{n.title}</Title>
                    <Text size="xs" c="dimmed" mb="xs">
                      {dateFmt.format(new Date(n.published_at))} · {t("profile.author")}: {n.author_name}
                    </Text>
                    <RichText html={n.body_html} />
                  </>
                )}
                {n.images.length > 0 && (
                  <Group mt="sm">
                    {n.images.map((img) => <Image key={img.id} src={img.url} alt={img.name} h={160} w="auto" radius="sm" />)}
                  </Group>
                )}
                {data.can_edit && editingNews !== n.id && (
                  <Group mt="sm" gap="xs">
                    <Button size="xs" variant="subtle" onClick={() => setEditingNews(n.id)}>{t("edit.edit")}</Button>
                    <DeleteButton onConfirm={() => remove.mutate(n.id)} loading={remove.isPending} />
                  </Group>
                )}
              </Card>
            ))}
          </Stack>
        </section>
        <section aria-labelledby="wall">
          <Title order={2} size="h3" id="wall" mb="sm">{t("profile.wall")}</Title>
          {status === "authenticated" && <Wall organizationId={id} />}
          <Stack gap="xs" mt="sm">
            {data.wall.length === 0 && <Text c="dimmed">{t("profile.wallEmpty")}</Text>}
            {data.wall.map((m) => (
              <Card key={m.id} withBorder padding="sm">
                <Text size="xs" c="dimmed">{m.author_name} · {dateFmt.format(new Date(m.created_at))}</Text>
                <RichText html={m.body_html} />
              </Card>
            ))}
          </Stack>
        </section>
      </Stack>
      <Stack gap="lg">
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">{t("profile.contacts")}</Title>
          <Contacts org={data.organization} />
        </Card>
        {data.leaders.length > 0 && (
          <Card withBorder>
            <Title order={2} size="h4" mb="xs">{t("profile.leaders")}</Title>
            <Stack gap={6}>
              {data.leaders.map((l) => (
                <div key={l.person_id}>
                  <Anchor component={Link} to={`/o/${id}/leaders/${l.person_id}`} fw={600}>{l.full_name}</Anchor>
                  <Text size="sm" c="dimmed">{l.position}</Text>
                </div>
              ))}
            </Stack>
          </Card>
        )}
        <AdminsCard organizationId={id} profile={data} />
        <PagesCard organizationId={id} pages={data.pages} canEdit={data.can_edit} />
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">{t("profile.latestDocs")}</Title>
          <Stack gap={4}>
            {data.latest_documents.map((d) => (
              <Group key={d.id} gap="xs" wrap="nowrap">
                <Anchor href={d.url} download={d.name} size="sm">{d.name}</Anchor>
                <Badge variant="light" size="xs">{fileSize(d.size_bytes)}</Badge>
              </Group>
            ))}
            <Anchor component={Link} to={`/o/${id}/documents`} size="sm">{t("profile.allDocs")}</Anchor>
          </Stack>
        </Card>
      </Stack>
    </SimpleGrid>
  );
}
