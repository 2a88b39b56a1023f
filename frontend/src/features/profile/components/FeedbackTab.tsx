import { Alert, Button, Card, Group, SimpleGrid, Stack, Table, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { profileApi, useFeedback, useQuestions, useSiteMutation, type QuestionRead } from "../api/profile";
import { useOrganizationId } from "./OrganizationSite";
import { RichText } from "./RichText";

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
  const save = useSiteMutation(organizationId, () => profileApi.answer(question.id, { answer_html: answer, published: true }));
  return (
    <Card withBorder padding="sm">
      <Text size="sm" fw={600}>{question.author_name}{question.author_email ? ` <${question.author_email}>` : ""}</Text>
      <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>{question.question}</Text>
      <Textarea label={t("feedback.answer")} value={answer} onChange={(e) => setAnswer(e.currentTarget.value)} autosize minRows={2} mt="xs" />
      {save.isError && <Alert color="red" role="alert">{(save.error as Error).message}</Alert>}
      <Group mt="xs"><Button size="xs" disabled={!answer.trim()} loading={save.isPending} onClick={() => save.mutate(undefined)}>{t("feedback.publishAnswer")}</Button></Group>
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
  if (!data) return null;
  const c = data.contacts;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
      <Stack gap="lg">
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">{t("feedback.contacts")}</Title>
          {[c.postal_address, c.building_address, c.phones, c.email, c.website].filter(Boolean).map((v) => <Text key={v!} size="sm">{v}</Text>)}
        </Card>
        <section aria-labelledby="reception">
          <Title order={2} size="h4" id="reception" mb="xs">{t("feedback.reception")}</Title>
          {data.reception.length === 0 ? <Text c="dimmed">{t("feedback.noReception")}</Text> : (
            <Table withTableBorder striped>
              <Table.Thead><Table.Tr><Table.Th>{t("feedback.who")}</Table.Th><Table.Th>{t("feedback.days")}</Table.Th><Table.Th>{t("feedback.hours")}</Table.Th><Table.Th>{t("feedback.place")}</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>
                {data.reception.map((r) => (
                  <Table.Tr key={r.id}><Table.Td>{r.who}{r.position ? `, ${r.position}` : ""}</Table.Td><Table.Td>{r.days}</Table.Td><Table.Td>{r.hours}</Table.Td><Table.Td>{r.place}</Table.Td></Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
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
              {questions.data.items.filter((q) => !q.published).map((q) => <Incoming key={q.id} organizationId={id} question={q} />)}
            </Stack>
          </section>
        )}
      </Stack>
    </SimpleGrid>
  );
}
