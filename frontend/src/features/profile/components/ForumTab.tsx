import { Alert, Anchor, Badge, Button, Card, Group, Stack, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router";
import { ApiError } from "../../../api/client";
import { profileApi, useForum, useSiteMutation, useTopic, useTopics, type PostRead } from "../api/profile";
import { useOrganizationId } from "./OrganizationSite";
import { RichText } from "./RichText";

/** Вкладка «Форум»: sections, the topics of the chosen one; employees open topics, administrators add sections. */
export function ForumTab() {
  const { t } = useTranslation("profile");
  const id = useOrganizationId();
  const forum = useForum(id);
  const [params, setParams] = useSearchParams();
  const sectionId = params.get("section") ? Number(params.get("section")) : forum.data?.sections[0]?.id ?? null;
  const topics = useTopics(id, sectionId);
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [sectionTitle, setSectionTitle] = useState("");
  const create = useSiteMutation(id, () => profileApi.createTopic(sectionId!, { title, body_html: body }));
  const addSection = useSiteMutation(id, () => profileApi.createSection(id, sectionTitle));
  const data = forum.data;
  if (!data) return null;
  return (
    <Group align="flex-start" wrap="wrap" gap="lg">
      <Stack w={{ base: "100%", sm: 260 }} gap="xs" component="nav" aria-label={t("forum.sections")}>
        <Title order={2} size="h4">{t("forum.sections")}</Title>
        {data.sections.length === 0 && <Text c="dimmed" size="sm">{t("forum.noSections")}</Text>}
        {data.sections.map((s) => (
          <Anchor key={s.id} component="button" underline="always" fw={s.id === sectionId ? 700 : 400} onClick={() => setParams({ section: String(s.id) })} ta="left">
            {s.title} <Badge size="xs" variant="light">{s.topic_count}</Badge>
          </Anchor>
        ))}
        {data.can_moderate && (
          <Group gap="xs" align="flex-end">
            <TextInput size="xs" label={t("forum.newSection")} value={sectionTitle} onChange={(e) => setSectionTitle(e.currentTarget.value)} />
            <Button size="xs" variant="default" disabled={!sectionTitle.trim()} onClick={() => addSection.mutate(undefined, { onSuccess: () => setSectionTitle("") })}>+</Button>
          </Group>
        )}
      </Stack>
      <Stack style={{ flex: 1 }} gap="sm">
        <Title order={2} size="h4">{t("forum.topics")}</Title>
        {topics.data?.items.length === 0 && <Text c="dimmed">{t("forum.noTopics")}</Text>}
        {topics.data?.items.map((topic) => (
          <Card key={topic.id} withBorder padding="sm">
            <Group justify="space-between">
              <Anchor component={Link} to={`/o/${id}/topics/${topic.id}`} fw={600}>{topic.title}</Anchor>
              {topic.locked && <Badge color="gray">{t("forum.locked")}</Badge>}
            </Group>
            <Text size="xs" c="dimmed">{topic.author_name} · {t("forum.posts", { count: topic.post_count })}</Text>
          </Card>
        ))}
        {data.can_post && sectionId !== null && (
          <Card withBorder component="form" onSubmit={(e: React.FormEvent) => { e.preventDefault(); create.mutate(undefined, { onSuccess: () => { setTitle(""); setBody(""); } }); }}>
            <Stack gap="xs">
              <Title order={3} size="h5">{t("forum.newTopic")}</Title>
              <TextInput label={t("forum.title")} value={title} onChange={(e) => setTitle(e.currentTarget.value)} required />
              <Textarea label={t("forum.text")} value={body} onChange={(e) => setBody(e.currentTarget.value)} required autosize minRows={2} />
              {create.isError && <Alert color="red" role="alert">{(create.error as Error).message}</Alert>}
              <Group><Button type="submit" loading={create.isPending}>{t("forum.create")}</Button></Group>
            </Stack>
          </Card>
        )}
      </Stack>
    </Group>
  );
}

function Post({ post, canEdit, organizationId }: { post: PostRead; canEdit: boolean; organizationId: number }) {
  const { t, i18n } = useTranslation("profile");
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(post.body_html);
  const save = useSiteMutation(organizationId, () => profileApi.editPost(post, text));
  const stale = save.error instanceof ApiError && save.error.status === 412;
  return (
    <Card withBorder padding="sm" ml={post.parent_post_id ? 32 : 0}>
      <Text size="xs" c="dimmed">{post.author_name} · {new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: "medium", timeStyle: "short" }).format(new Date(post.created_at))}</Text>
      {editing ? (
        <Stack gap="xs">
          <Textarea value={text} onChange={(e) => setText(e.currentTarget.value)} autosize minRows={2} />
          {save.isError && <Alert color="red" role="alert">{stale ? t("forum.stale") : (save.error as Error).message}</Alert>}
          <Group><Button size="xs" loading={save.isPending} onClick={() => save.mutate(undefined, { onSuccess: () => setEditing(false) })}>{t("forum.save")}</Button></Group>
        </Stack>
      ) : (
        <RichText html={post.body_html} />
      )}
      {canEdit && !editing && <Group><Button size="xs" variant="subtle" onClick={() => setEditing(true)}>{t("forum.edit")}</Button></Group>}
    </Card>
  );
}

/** A topic with its posts; a reply form for employees; lock for administrators. */
export function TopicView() {
  const { t } = useTranslation("profile");
  const id = useOrganizationId();
  const { topicId } = useParams();
  const topic = useTopic(id, Number(topicId));
  const [reply, setReply] = useState("");
  const send = useSiteMutation(id, () => profileApi.reply(Number(topicId), { body_html: reply }));
  const lock = useSiteMutation(id, (locked: boolean) => profileApi.moderateTopic(Number(topicId), { locked }));
  if (topic.isError) return <Alert color="red" role="alert">{(topic.error as Error).message}</Alert>;
  const data = topic.data;
  if (!data) return null;
  return (
    <Stack gap="sm">
      <Anchor component={Link} to={`/o/${id}/forum?section=${data.section.id}`} size="sm">← {t("forum.back")}</Anchor>
      <Group justify="space-between">
        <Title order={2} size="h3">{data.topic.title}</Title>
        {data.can_moderate && (
          <Button size="xs" variant="default" onClick={() => lock.mutate(!data.topic.locked)}>{data.topic.locked ? t("forum.unlock") : t("forum.lock")}</Button>
        )}
      </Group>
      {data.topic.locked && <Badge color="gray">{t("forum.locked")}</Badge>}
      {data.posts.map((p) => <Post key={p.id} post={p} organizationId={id} canEdit={data.can_moderate || (data.can_post && p.author_user_id !== null)} />)}
      {data.can_post && (
        <form onSubmit={(e) => { e.preventDefault(); send.mutate(undefined, { onSuccess: () => setReply("") }); }}>
          <Stack gap="xs">
            <Textarea label={t("forum.replyText")} value={reply} onChange={(e) => setReply(e.currentTarget.value)} required autosize minRows={2} />
            {send.isError && <Alert color="red" role="alert">{(send.error as Error).message}</Alert>}
            <Group><Button type="submit" loading={send.isPending}>{t("forum.reply")}</Button></Group>
          </Stack>
        </form>
      )}
    </Stack>
  );
}
