import { Alert, Anchor, Button, Card, FileInput, Group, Stack, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useMe } from "../../../lib/auth/auth";
import { useAuth } from "../../../lib/auth/AuthProvider";
import { useBulkCreate, useBulkPreview, type BulkProblem } from "../api/bulk";

const CODES = [
  "missing_column", "empty", "too_many_rows", "required", "too_long", "unknown_body", "ambiguous_body",
  "unknown_role", "role_above_own", "login_invalid", "login_taken", "login_repeated",
] as const;
const COLUMNS = ["surname", "first_name", "patronymic", "body", "position", "role", "username"] as const;

function ProblemText({ problem }: { problem: BulkProblem }) {
  const { t } = useTranslation();
  const known = (CODES as readonly string[]).includes(problem.code);
  return <>{known ? t(`bulk.codes.${problem.code}`) : problem.message}</>;
}

/** Загрузить списком: an .xlsx of people → preview → create all or none → the passwords file, downloaded once. */
export function BulkAccountsPage() {
  const { t } = useTranslation();
  const { status: auth } = useAuth();
  const me = useMe(auth === "authenticated");
  const [file, setFile] = useState<File | null>(null);
  const preview = useBulkPreview();
  const create = useBulkCreate();
  if (me.data && me.data.role !== "admin") return <Alert color="orange" m="lg">{t("account.adminsOnly")}</Alert>;
  const data = preview.data;
  const column = (c: string | null | undefined) =>
    c && (COLUMNS as readonly string[]).includes(c) ? t(`bulk.columns.${c}`) : (c ?? "");
  const onFile = (f: File | null) => { setFile(f); preview.reset(); create.reset(); };
  return (
    <Stack gap="md" p={{ base: "sm", sm: "lg" }} maw={1400} mx="auto">
      <Anchor component={Link} to="/accounts" size="sm">← {t("account.accountsTitle")}</Anchor>
      <Title order={1}>{t("bulk.title")}</Title>
      <Text size="sm">{t("bulk.intro")}</Text>
      <Card withBorder>
        <Group align="flex-end">
          <FileInput label={t("bulk.file")} value={file} onChange={onFile} accept=".xlsx" clearable w={360} />
          <Button onClick={() => file && preview.mutate(file)} disabled={!file} loading={preview.isPending}>{t("bulk.check")}</Button>
        </Group>
      </Card>
      {preview.isError && <Alert color="red" role="alert">{(preview.error as Error).message}</Alert>}
      {data && data.problems.length > 0 && (
        <Alert color="red" role="alert" title={t("bulk.problemsTitle", { count: data.problems.length })}>
          <Table aria-label={t("bulk.problemsTitle", { count: data.problems.length })}>
            <Table.Thead><Table.Tr><Table.Th>{t("bulk.row")}</Table.Th><Table.Th>{t("bulk.column")}</Table.Th><Table.Th>{t("bulk.problem")}</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {data.problems.map((p, i) => (
                <Table.Tr key={i} data-testid="bulk-problem">
                  <Table.Td>{p.row ?? "—"}</Table.Td>
                  <Table.Td>{p.column ? `${p.column_letter ?? ""} ${column(p.column)}`.trim() : "—"}</Table.Td>
                  <Table.Td><ProblemText problem={p} /></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Alert>
      )}
      {data && data.rows.length > 0 && (
        <Table striped withTableBorder aria-label={t("bulk.previewTitle")}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("bulk.row")}</Table.Th><Table.Th>{t("bulk.columns.surname")}</Table.Th><Table.Th>{t("bulk.columns.first_name")}</Table.Th>
              <Table.Th>{t("bulk.columns.body")}</Table.Th><Table.Th>{t("bulk.columns.role")}</Table.Th><Table.Th>{t("bulk.columns.username")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.rows.map((r) => (
              <Table.Tr key={r.row} data-testid="bulk-row">
                <Table.Td>{r.row}</Table.Td><Table.Td>{r.surname}</Table.Td><Table.Td>{r.first_name}</Table.Td>
                <Table.Td>{r.organization_name}</Table.Td><Table.Td>{t(`account.roles.${r.role === "admin" ? "admin" : "employee"}`)}</Table.Td>
                <Table.Td>{r.username ?? ""}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {data && data.problems.length === 0 && !create.isSuccess && (
        <Group>
          <Button color="green" onClick={() => file && create.mutate(file)} loading={create.isPending}>
            {t("bulk.create", { count: data.rows.length })}
          </Button>
          <Text size="xs" c="dimmed">{t("bulk.onceHint")}</Text>
        </Group>
      )}
      {create.isError && <Alert color="red" role="alert">{(create.error as Error).message}</Alert>}
      {create.isSuccess && <Alert color="green" role="status" title={t("bulk.doneTitle")}>{t("bulk.done")}</Alert>}
    </Stack>
  );
}
