import { Alert, Anchor, Badge, Button, Card, FileInput, Group, MultiSelect, Radio, Select, Stack, Table, Tabs, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { useMe } from "../../../lib/auth/auth";
import { useAuth } from "../../../lib/auth/AuthProvider";
import { downloadWithToken } from "../../../api/http";
import { DeleteButton } from "../../../components/DeleteButton";
import { MutationError } from "../../../components/MutationError";
import { RichText } from "../../../components/RichText";
import {
  choiceName, draftTarget, informApi, reach, TARGET_KINDS, useAnnouncement, useAnnouncements, useInformMutation, useOwnProfile, useReaders, useTargets,
  type Announcement, type AnnouncementDraft, type Importance, type TargetChoice, type TargetForm, type TargetKind,
} from "../api/inform";

const COLORS = { normal: "gray", high: "orange", urgent: "red" } as const;

/** The API reads importance back as a plain string; it only ever writes one of the three kinds. */
function ImportanceBadge({ value }: { value: string }) {
  const { t } = useTranslation("profile");
  return <Badge color={COLORS[value as Importance]} variant="light">{t(`inform.${value}`)}</Badge>;
}

function Compose() {
  const { t, i18n } = useTranslation("profile");
  const lang = i18n.resolvedLanguage;
  const targets = useTargets(true);
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [importance, setImportance] = useState<Importance>("normal");
  const [deadline, setDeadline] = useState("");
  const [kind, setKind] = useState<TargetKind>("all");
  const [form, setForm] = useState<TargetForm>({ district: null, type: null, organizations: [] });
  const [file, setFile] = useState<File | null>(null);
  const target = draftTarget(kind, form);
  const count = reach(targets.data, target);
  const send = useInformMutation(async () => {
    if (!target) throw new Error(t("inform.chooseRecipients"));
    const draft: AnnouncementDraft = { title, body_html: body, importance, deadline: deadline || null, target };
    const sent = await informApi.send(draft);
    if (file) await informApi.attach(sent.id, file);
    return sent;
  });
  const withCount = (c: TargetChoice) => ({ value: String(c.id), label: `${choiceName(c, lang)} (${c.organizations_count})` });
  return (
    <Card withBorder component="form" onSubmit={(e: React.FormEvent) => {
      e.preventDefault();
      send.mutate(undefined, { onSuccess: () => { setTitle(""); setBody(""); setFile(null); setForm({ district: null, type: null, organizations: [] }); } });
    }}>
      <Stack gap="xs">
        <Title order={2} size="h4">{t("inform.compose")}</Title>
        <TextInput label={t("forum.title")} value={title} onChange={(e) => setTitle(e.currentTarget.value)} required />
        <Textarea label={t("forum.text")} value={body} onChange={(e) => setBody(e.currentTarget.value)} required autosize minRows={3} />
        <Group grow>
          <Select label={t("inform.importance")} value={importance} onChange={(v) => v && setImportance(v as Importance)}
            data={(["normal", "high", "urgent"] as const).map((v) => ({ value: v, label: t(`inform.${v}`) }))} allowDeselect={false} />
          <TextInput label={t("inform.deadline")} type="date" value={deadline} onChange={(e) => setDeadline(e.currentTarget.value)} />
        </Group>
        <Radio.Group label={t("inform.recipients")} value={kind} onChange={(v) => setKind(v as TargetKind)}>
          <Group gap="md" mt={4}>
            {TARGET_KINDS.map((k) => <Radio key={k} value={k} label={t(`inform.target.${k}`)} />)}
          </Group>
        </Radio.Group>
        {kind === "district" && (
          <Select label={t("inform.district")} placeholder={t("inform.chooseDistrict")} value={form.district} searchable
            onChange={(v) => setForm({ ...form, district: v })} data={(targets.data?.districts ?? []).map(withCount)}
            nothingFoundMessage={t("inform.noChoices")} />
        )}
        {kind === "type" && (
          <Select label={t("inform.type")} placeholder={t("inform.chooseType")} value={form.type} searchable
            onChange={(v) => setForm({ ...form, type: v })} data={(targets.data?.types ?? []).map(withCount)}
            nothingFoundMessage={t("inform.noChoices")} />
        )}
        {kind === "list" && (
          <MultiSelect label={t("inform.organizations")} placeholder={t("inform.chooseOrganizations")} value={form.organizations}
            onChange={(v) => setForm({ ...form, organizations: v })} searchable limit={100} nothingFoundMessage={t("inform.noChoices")}
            data={(targets.data?.organizations ?? []).map((o) => ({ value: String(o.id), label: choiceName(o, lang) }))} />
        )}
        {targets.isError && <Alert color="red" role="alert">{(targets.error as Error).message}</Alert>}
        {count !== null && <Text size="sm" c={count > 0 ? undefined : "red.8"} aria-live="polite">{t("inform.reach", { count })}</Text>}
        <FileInput label={t("inform.attachments")} value={file} onChange={setFile} clearable />
        {send.isError && <Alert color="red" role="alert">{(send.error as Error).message}</Alert>}
        {send.isSuccess && <Text c="green.8" size="sm">{t("inform.sentOk")}</Text>}
        <Group><Button type="submit" loading={send.isPending} disabled={!target || count === 0}>{t("inform.send")}</Button></Group>
      </Stack>
    </Card>
  );
}

/** Withdraw (or send again) and delete an announcement the caller's body sent. */
function SenderTools({ announcement }: { announcement: Announcement }) {
  const { t } = useTranslation("profile");
  const withdraw = useInformMutation(() => informApi.withdraw(announcement.id, !announcement.withdrawn_at));
  const remove = useInformMutation(() => informApi.remove(announcement.id));
  return (
    <Group gap={4} wrap="nowrap">
      <Button size="xs" variant="subtle" aria-label={`${announcement.withdrawn_at ? t("edit.restore") : t("edit.withdraw")}: ${announcement.title}`}
        loading={withdraw.isPending} onClick={() => withdraw.mutate(undefined)}>
        {announcement.withdrawn_at ? t("edit.restore") : t("edit.withdraw")}
      </Button>
      <DeleteButton label={`${t("edit.delete")}: ${announcement.title}`} onConfirm={() => remove.mutate(undefined)} />
      <MutationError error={withdraw.error ?? remove.error} />
    </Group>
  );
}

/** The caller may withdraw and delete what their body sent: its administrators and profile administrators. */
function useCanManageSent(): boolean {
  const { status } = useAuth();
  const me = useMe(status === "authenticated");
  const profile = useOwnProfile(me.data?.organization.id ?? 0, Boolean(me.data));
  return Boolean(me.data && (me.data.role === "admin" || profile.data?.can_edit));
}

function List({ box }: { box: "inbox" | "sent" }) {
  const { t, i18n } = useTranslation("profile");
  const list = useAnnouncements(box, 1);
  const canManage = useCanManageSent();
  const fmt = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: "medium" });
  if (list.isError) return <Alert color="red" role="alert">{(list.error as Error).message}</Alert>;
  if (list.data?.items.length === 0) return <Text c="dimmed">{t("inform.empty")}</Text>;
  return (
    <Table striped withTableBorder>
      <Table.Tbody>
        {list.data?.items.map((a) => (
          <Table.Tr key={a.id}>
            <Table.Td><Anchor component={Link} to={`/inform/${a.id}`} fw={box === "inbox" && !a.read_at ? 700 : 400}>{a.title}</Anchor></Table.Td>
            <Table.Td><ImportanceBadge value={a.importance} /></Table.Td>
            <Table.Td><Text size="sm">{box === "inbox" ? a.sender.name_ru : `${t("inform.recipients")}: ${a.recipients_count}`}</Text></Table.Td>
            <Table.Td><Text size="xs" c="dimmed">{fmt.format(new Date(a.created_at))}{a.deadline ? ` · ${t("inform.deadline")}: ${a.deadline}` : ""}</Text></Table.Td>
            {box === "inbox" && <Table.Td>{a.read_at ? <Badge color="green" variant="light">{t("inform.read")}</Badge> : <Badge color="blue">{t("inform.unread")}</Badge>}</Table.Td>}
            {box === "sent" && <Table.Td>{a.withdrawn_at && <Badge color="red" variant="light">{t("edit.withdrawn")}</Badge>}</Table.Td>}
            {box === "sent" && canManage && <Table.Td><SenderTools announcement={a} /></Table.Td>}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Информирование: incoming announcements, those sent by the body, and (for administrators) a new one. */
export function InformPage() {
  const { t } = useTranslation("profile");
  const { status } = useAuth();
  const me = useMe(status === "authenticated");
  const isAdmin = me.data?.role === "admin";
  return (
    <Stack gap="md" p={24} maw={1400} mx="auto">
      <Title order={1}>{t("inform.title")}</Title>
      <Tabs defaultValue="inbox">
        <Tabs.List>
          <Tabs.Tab value="inbox">{t("inform.inbox")}</Tabs.Tab>
          <Tabs.Tab value="sent">{t("inform.sent")}</Tabs.Tab>
          {isAdmin && <Tabs.Tab value="compose">{t("inform.compose")}</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="inbox" pt="md"><List box="inbox" /></Tabs.Panel>
        <Tabs.Panel value="sent" pt="md"><List box="sent" /></Tabs.Panel>
        {isAdmin && me.data && <Tabs.Panel value="compose" pt="md"><Compose /></Tabs.Panel>}
      </Tabs>
    </Stack>
  );
}

/** One announcement: text, attachments (downloaded with the session), read mark; the sender sees who read it. */
export function AnnouncementPage() {
  const { t, i18n } = useTranslation("profile");
  const { announcementId } = useParams();
  const id = Number(announcementId);
  const { status } = useAuth();
  const me = useMe(status === "authenticated");
  const one = useAnnouncement(id);
  const isSender = Boolean(one.data && me.data && one.data.sender.id === me.data.organization.id);
  const readers = useReaders(id, isSender);
  const mark = useInformMutation(() => informApi.markRead(id));
  if (one.isError) return <Alert color="red" role="alert">{(one.error as Error).message}</Alert>;
  const a = one.data;
  if (!a) return null;
  const fmt = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: "medium", timeStyle: "short" });
  return (
    <Stack gap="sm" maw={948} p={24} mx="auto">
      <Anchor component={Link} to="/inform" size="sm">← {t("inform.back")}</Anchor>
      <Group><Title order={1} size="h2">{a.title}</Title><ImportanceBadge value={a.importance} /></Group>
      <Text size="sm" c="dimmed">{t("inform.from")}: {a.sender.name_ru} · {a.author_name} · {fmt.format(new Date(a.created_at))}{a.deadline ? ` · ${t("inform.deadline")}: ${a.deadline}` : ""}</Text>
      <Card withBorder><RichText html={a.body_html} /></Card>
      {a.attachments.length > 0 && (
        <Stack gap={4}>
          <Text fw={600} size="sm">{t("inform.attachments")}</Text>
          {a.attachments.map((f) => <Anchor key={f.id} component="button" ta="left" onClick={() => void downloadWithToken(f.url, f.name)}>{f.name}</Anchor>)}
        </Stack>
      )}
      {!isSender && !a.read_at && <Group><Button onClick={() => mark.mutate(undefined)} loading={mark.isPending}>{t("inform.markRead")}</Button></Group>}
      {isSender && readers.data && (
        <section aria-labelledby="readers">
          <Title order={2} size="h4" id="readers">{t("inform.readers")}</Title>
          <Text size="sm">{t("inform.readCount", { read: readers.data.read_count, users: readers.data.users_count })}</Text>
          <Table striped withTableBorder mt="xs">
            <Table.Tbody>
              {readers.data.recipients.map((r) => (
                <Table.Tr key={r.organization.id}>
                  <Table.Td>{r.organization.name_ru}</Table.Td>
                  <Table.Td>{r.read_count} / {r.users_count}</Table.Td>
                  <Table.Td><Text size="xs">{r.readers.filter((u) => u.read_at).map((u) => u.full_name).join(", ")}</Text></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </section>
      )}
    </Stack>
  );
}
