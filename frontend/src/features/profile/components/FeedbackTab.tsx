import { Alert, Anchor, Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { editApi, websiteHref, type ReceptionWrite } from "../api/edit";
import { profileApi, useFeedback, useQuestions, useSiteMutation, type QuestionRead, type ReceptionRead } from "../api/profile";
import { DeleteButton } from "../../../components/DeleteButton";
import { MutationError } from "../../../components/MutationError";
import { useOrganizationId } from "./OrganizationSite";
import { RichText } from "../../../components/RichText";

function ReceptionEditor({ organizationId, row, sortOrder, onDone }: { organizationId: number; row?: ReceptionRead; sortOrder: number; onDone: () => void }) {
  const { t } = useTranslation("profile");
  const [form, setForm] = useState<ReceptionWrite>({
    who: row?.who ?? "", position: row?.position ?? null, person_id: row?.person_id ?? null,
    days: row?.days ?? "", hours: row?.hours ?? "", place: row?.place ?? null, sort_order: sortOrder,
  });
  const save = useSiteMutation(organizationId, () => {
    const body = { ...form, position: form.position || null, place: form.place || null };
    return row ? editApi.updateReception(row.id, body) : editApi.createReception(organizationId, body);
  });
  const text = (key: "who" | "position" | "days" | "hours" | "place", label: string, required = false) => (
    <TextInput label={label} value={form[key] ?? ""} required={required} onChange={(e) => setForm({ ...form, [key]: e.currentTarget.value })} />
  );
  return (
    <Card withBorder component="form" aria-label={row ? t("edit.edit") : t("edit.addReception")} onSubmit={(e: React.FormEvent) => { e.preventDefault(); save.mutate(undefined, { onSuccess: onDone }); }}>
      <Stack gap="xs">
        <Group grow>{text("who", t("feedback.who"), true)}{text("position", t("edit.position"))}</Group>
        <Group grow>{text("days", t("feedback.days"), true)}{text("hours", t("feedback.hours"), true)}</Group>
        {text("place", t("feedback.place"))}
        <MutationError error={save.error} />
        <Group>
          <Button type="submit" size="xs" loading={save.isPending}>{t("edit.save")}</Button>
          <Button size="xs" variant="default" onClick={onDone}>{t("edit.cancel")}</Button>
        </Group>
      </Stack>
    </Card>
  );
}

function AskForm({ organizationId }: { organizationId: number }) {
  const { t } = useTranslation("profile");
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [question, setQuestion] = useState("");
  const ask = useSiteMutation(organizationId, () =>
    profileApi.ask(organizationId, { author_name: name, author_email: email || undefined, question }),
  );
  if (ask.isSuccess) return <Alert color="green" role="status">{t("feedback.sent")}</Alert>;
  return (
    <Card withBorder component="form" onSubmit={(e: React.FormEvent) => { e.preventDefault(); ask.mutate(undefined); }}>
      <Stack gap="xs">
        <Title order={3} size="h4">{t("feedback.ask")}</Title>
        <TextInput label={t("feedback.yourName")} value={name} onChange={(e) => setName(e.currentTarget.value)} required />
        <TextInput label={t("feedback.yourEmail")} type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
        <Textarea label={t("feedback.question")} value={question} onChange={(e) => setQuestion(e.currentTarget.value)} required autosize minRows={3} />
        {ask.isError && <Alert color="red" role="alert">{(ask.error as Error).message}</Alert>}
        <Group><Button type="submit" loading={ask.isPending}>{t("profile.send")}</Button></Group>
      </Stack>
    </Card>
  );
}

function Incoming({ organizationId, question }: { organizationId: number; question: QuestionRead }) {
  const { t } = useTranslation("profile");
  const [answer, setAnswer] = useState(question.answer_html ?? "");
  const save = useSiteMutation(organizationId, (published: boolean) => profileApi.answer(question.id, { answer_html: answer, published }));
  const unpublish = useSiteMutation(organizationId, () => editApi.answerQuestion(question.id, { published: false }));
  const remove = useSiteMutation(organizationId, () => editApi.deleteQuestion(question.id));
  return (
    <Card withBorder padding="sm" component="article" aria-label={question.question}>
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm" fw={600}>{question.author_name}{question.author_email ? ` <${question.author_email}>` : ""}</Text>
        <Badge variant="light" color={question.published ? "green" : "gray"}>{question.published ? t("profile.published") : question.answer_html ? t("edit.answered") : t("edit.notAnswered")}</Badge>
      </Group>
      <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>{question.question}</Text>
      <Textarea label={t("feedback.answer")} value={answer} onChange={(e) => setAnswer(e.currentTarget.value)} autosize minRows={2} mt="xs" />
      <MutationError error={save.error ?? unpublish.error ?? remove.error} />
      <Group mt="xs" gap="xs">
        <Button size="xs" disabled={!answer.trim()} loading={save.isPending} onClick={() => save.mutate(true)}>{question.published ? t("edit.save") : t("feedback.publishAnswer")}</Button>
        {!question.published && <Button size="xs" variant="default" disabled={!answer.trim()} onClick={() => save.mutate(false)}>{t("edit.save")}</Button>}
        {question.published && <Button size="xs" variant="default" onClick={() => unpublish.mutate(undefined)}>{t("edit.unpublish")}</Button>}
        <DeleteButton onConfirm={() => remove.mutate(undefined)} />
      </Group>
    </Card>
  );
}

/** Вкладка «Обратная связь»: contacts, reception schedule, published Q&A, the question form (and answers for admins). */
export function FeedbackTab() {
  const { t } = useTranslation("profile");
  const id = useOrganizationId();
  const feedback = useFeedback(id);
  const data = feedback.data;
  const questions = useQuestions(id, Boolean(data?.can_edit));
  const [editing, setEditing] = useState<number | "new" | null>(null);
  const removeRow = useSiteMutation(id, (rowId: number) => editApi.deleteReception(rowId));
  if (!data) return null;
  const c = data.contacts;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
      <Stack gap="lg">
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">{t("feedback.contacts")}</Title>
          {[c.postal_address, c.building_address, c.phones, c.email].filter(Boolean).map((v) => <Text key={v!} size="sm">{v}</Text>)}
          {websiteHref(c.website) && <Anchor size="sm" href={websiteHref(c.website) ?? undefined} target="_blank" rel="noopener noreferrer">{c.website}</Anchor>}
        </Card>
        <section aria-labelledby="reception">
          <Title order={2} size="h4" id="reception" mb="xs">{t("feedback.reception")}</Title>
          {data.reception.length === 0 ? <Text c="dimmed">{t("feedback.noReception")}</Text> : (
            <Table withTableBorder striped>
              <Table.Thead><Table.Tr><Table.Th>{t("feedback.who")}</Table.Th><Table.Th>{t("feedback.days")}</Table.Th><Table.Th>{t("feedback.hours")}</Table.Th><Table.Th>{t("feedback.place")}</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>
                {data.reception.map((r, i) => editing === r.id ? (
                  <Table.Tr key={r.id}><Table.Td colSpan={5}><ReceptionEditor organizationId={id} row={r} sortOrder={i} onDone={() => setEditing(null)} /></Table.Td></Table.Tr>
                ) : (
                  <Table.Tr key={r.id}>
                    <Table.Td>{r.who}{r.position ? `, ${r.position}` : ""}</Table.Td><Table.Td>{r.days}</Table.Td><Table.Td>{r.hours}</Table.Td><Table.Td>{r.place}</Table.Td>
                    {data.can_edit && (
                      <Table.Td>
                        <Group gap={2} wrap="nowrap">
                          <Button size="xs" variant="subtle" aria-label={`${t("edit.edit")}: ${r.who}`} onClick={() => setEditing(r.id)}>{t("edit.edit")}</Button>
                          <DeleteButton label={`${t("edit.delete")}: ${r.who}`} onConfirm={() => removeRow.mutate(r.id)} />
                        </Group>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <MutationError error={removeRow.error} />
          {data.can_edit && editing === "new" && <ReceptionEditor organizationId={id} sortOrder={data.reception.length} onDone={() => setEditing(null)} />}
          {data.can_edit && editing !== "new" && <Button size="xs" variant="light" mt="xs" onClick={() => setEditing("new")}>{t("edit.addReception")}</Button>}
        </section>
        <AskForm organizationId={id} />
      </Stack>
      <Stack gap="md">
        <section aria-labelledby="faq">
          <Title order={2} size="h4" id="faq" mb="xs">{t("feedback.faq")}</Title>
          {data.faq.length === 0 && <Text c="dimmed">{t("feedback.noFaq")}</Text>}
          <Stack gap="sm">
            {data.faq.map((q) => (
              <Card key={q.id} withBorder padding="sm" component="article">
                <Text fw={600} size="sm" style={{ whiteSpace: "pre-wrap" }}>{q.question}</Text>
                <Text size="xs" c="dimmed">{q.author_name}</Text>
                {q.answer_html && <RichText html={q.answer_html} />}
              </Card>
            ))}
          </Stack>
        </section>
        {data.can_edit && questions.data && (
          <section aria-labelledby="incoming">
            <Title order={2} size="h4" id="incoming" mb="xs">{t("feedback.incoming")}</Title>
            <Stack gap="sm">
              {questions.data.items.map((q) => <Incoming key={`${q.id}-${q.answer_html ?? ""}`} organizationId={id} question={q} />)}
            </Stack>
          </section>
        )}
      </Stack>
    </SimpleGrid>
  );
}
