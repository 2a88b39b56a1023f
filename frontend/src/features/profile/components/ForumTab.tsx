import { Alert, Anchor, Badge, Button, Card, Group, Stack, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { ApiError } from "../../../api/client";
import { useMe } from "../../../lib/auth/auth";
import { useAuth } from "../../../lib/auth/AuthProvider";
import { editApi } from "../api/edit";
import { profileApi, useForum, useSiteMutation, useTopic, useTopics, type PostRead, type SectionRead } from "../api/profile";
import { DeleteButton } from "../../../components/DeleteButton";
import { MutationError } from "../../../components/MutationError";
import { useOrganizationId } from "./OrganizationSite";

/** Rename or delete a forum section (moderators). */
function SectionTools({ organizationId, section, onDeleted }: { organizationId: number; section: SectionRead; onDeleted: () => void }) {
  const { t } = useTranslation("profile");
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(section.title);
  const [description, setDescription] = useState(section.description ?? "");
  const save = useSiteMutation(organizationId, () => editApi.updateSection(section.id, { title, description: description || null, sort_order: 0 }));
  const remove = useSiteMutation(organizationId, () => editApi.deleteSection(section.id));
  if (!editing) {
    return (
      <Group gap="xs">
        <Button size="xs" variant="light" onClick={() => setEditing(true)}>{t("edit.editSection")}</Button>
        <DeleteButton label={`${t("edit.delete")}: ${section.title}`} onConfirm={() => remove.mutate(undefined, { onSuccess: onDeleted })} />
        <MutationError error={remove.error} />
      </Group>
    );
  }
  return (
    <Stack gap="xs" component="form" aria-label={t("edit.editSection")} onSubmit={(e: React.FormEvent) => { e.preventDefault(); save.mutate(undefined, { onSuccess: () => setEditing(false) }); }}>
      <TextInput label={t("edit.sectionTitle")} value={title} onChange={(e) => setTitle(e.currentTarget.value)} required />
      <TextInput label={t("edit.sectionDescription")} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
      <MutationError error={save.error} />
      <Group>
        <Button type="submit" size="xs" loading={save.isPending}>{t("edit.save")}</Button>
        <Button size="xs" variant="default" onClick={() => setEditing(false)}>{t("edit.cancel")}</Button>
      </Group>
    </Stack>
  );
}
import { RichText } from "../../../components/RichText";

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
        {data.can_moderate && topics.data && (
          <SectionTools key={topics.data.section.id} organizationId={id} section={topics.data.section} onDeleted={() => setParams({})} />
        )}
        {topics.data?.items.length === 0 && <Text c="dimmed">{t("forum.noTopics")}</Text>}
        {topics.data?.items.map((topic) => (
          <Card key={topic.id} withBorder padding="sm">
            <Group justify="space-between">
              <Anchor component={Link} to={`/o/${id}/topics/${topic.id}`} fw={600}>{topic.title}</Anchor>
              <Group gap={4}>
                {topic.hidden && <Badge color="red" variant="light">{t("edit.hidden")}</Badge>}
                {topic.locked && <Badge color="gray">{t("forum.locked")}</Badge>}
              </Group>
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

function Post({ post, canEdit, canModerate, organizationId }: { post: PostRead; canEdit: boolean; canModerate: boolean; organizationId: number }) {
  const { t, i18n } = useTranslation("profile");
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(post.body_html);
  const save = useSiteMutation(organizationId, () => profileApi.editPost(post, text));
  const hide = useSiteMutation(organizationId, () => editApi.moderatePost(post.id, !post.hidden));
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
      {post.hidden && <Badge color="red" variant="light">{t("edit.hidden")}</Badge>}
      {(canEdit || canModerate) && !editing && (
        <Group gap="xs">
          {canEdit && <Button size="xs" variant="subtle" onClick={() => setEditing(true)}>{t("forum.edit")}</Button>}
          {canModerate && <Button size="xs" variant="subtle" color="gray" loading={hide.isPending} onClick={() => hide.mutate(undefined)}>{post.hidden ? t("edit.show") : t("edit.hide")}</Button>}
        </Group>
      )}
      <MutationError error={hide.error} />
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
  const hideTopic = useSiteMutation(id, (hidden: boolean) => editApi.moderateTopic(Number(topicId), { hidden }));
  const removeTopic = useSiteMutation(id, () => editApi.deleteTopic(Number(topicId)));
  const navigate = useNavigate();
  const { status } = useAuth();
  const me = useMe(status === "authenticated");
  if (topic.isError) return <Alert color="red" role="alert">{(topic.error as Error).message}</Alert>;
  const data = topic.data;
  if (!data) return null;
  return (
    <Stack gap="sm">
      <Anchor component={Link} to={`/o/${id}/forum?section=${data.section.id}`} size="sm">← {t("forum.back")}</Anchor>
      <Group justify="space-between">
        <Title order={2} size="h3">{data.topic.title}</Title>
        {data.can_moderate && (
          <Group gap="xs">
            <Button size="xs" variant="default" onClick={() => lock.mutate(!data.topic.locked)}>{data.topic.locked ? t("forum.unlock") : t("forum.lock")}</Button>
            <Button size="xs" variant="default" onClick={() => hideTopic.mutate(!data.topic.hidden)}>{data.topic.hidden ? t("edit.show") : t("edit.hide")}</Button>
            <DeleteButton label={`${t("edit.delete")}: ${data.topic.title}`} onConfirm={() => removeTopic.mutate(undefined, { onSuccess: () => navigate(`/o/${id}/forum?section=${data.section.id}`) })} />
          </Group>
        )}
      </Group>
      {data.topic.locked && <Badge color="gray">{t("forum.locked")}</Badge>}
      <MutationError error={lock.error ?? hideTopic.error ?? removeTopic.error} />
      {data.posts.map((p) => (
        <Post key={`${p.id}-${p.version}`} post={p} organizationId={id} canModerate={data.can_moderate}
          canEdit={data.can_moderate || (data.can_post && me.data !== undefined && p.author_user_id === me.data.id)} />
      ))}
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
