import { Alert, Badge, Button, Card, Code, Group, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useMe } from "../../../lib/auth/auth";
import { useAuth } from "../../../lib/auth/AuthProvider";
import type { DirectoryEntry } from "../../../api/directory";
import { accountsApi, oneTimePassword, useAccountMutation, useAccounts, type Account } from "../api/accounts";
import { useBodies } from "../api/bodies";

function OneTimePassword({ username, password }: { username: string; password: string }) {
  const { t } = useTranslation();
  return (
    <Alert color="green" role="status" title={t("account.oneTimeTitle")}>
      <Text size="sm">{t("account.oneTimeText", { username })}</Text>
      <Code fz="md" data-testid="one-time-password">{password}</Code>
    </Alert>
  );
}

function CreateForm({ bodies, onCreated }: { bodies: DirectoryEntry[]; onCreated: (username: string, password: string) => void }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState("");
  const [surname, setSurname] = useState("");
  const [firstName, setFirstName] = useState("");
  const [body, setBody] = useState<string | null>(null);
  const [role, setRole] = useState<"employee" | "admin">("employee");
  const create = useAccountMutation(async () => {
    const password = oneTimePassword();
    await accountsApi.create({
      username, password, organization_id: Number(body), role,
      person: surname || firstName ? { surname, first_name: firstName } : null,
    });
    return password;
  });
  return (
    <Card withBorder component="form" aria-label={t("account.create")} onSubmit={(e: React.FormEvent) => {
      e.preventDefault();
      create.mutate(undefined, { onSuccess: (password) => { onCreated(username, password); setUsername(""); setSurname(""); setFirstName(""); } });
    }}>
      <Stack gap="xs">
        <Title order={2} size="h4">{t("account.create")}</Title>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput label={t("account.username")} value={username} onChange={(e) => setUsername(e.currentTarget.value.toLowerCase())} required description={t("account.usernameHint")} />
          <TextInput label={t("account.surname")} value={surname} onChange={(e) => setSurname(e.currentTarget.value)} />
          <TextInput label={t("account.firstName")} value={firstName} onChange={(e) => setFirstName(e.currentTarget.value)} />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select label={t("account.body")} data={bodies.map((b) => ({ value: String(b.id), label: b.name_ru }))} value={body} onChange={setBody} required searchable />
          <Select label={t("account.role")} data={[{ value: "employee", label: t("account.roles.employee") }, { value: "admin", label: t("account.roles.admin") }]}
            value={role} onChange={(v) => v && setRole(v as "employee" | "admin")} allowDeselect={false} />
        </SimpleGrid>
        <Text size="xs" c="dimmed">{t("account.oneTimeHint")}</Text>
        {create.isError && <Alert color="red" role="alert">{(create.error as Error).message}</Alert>}
        <Group><Button type="submit" loading={create.isPending} disabled={!body}>{t("account.createButton")}</Button></Group>
      </Stack>
    </Card>
  );
}

function Row({ account, bodies, onPassword }: { account: Account; bodies: DirectoryEntry[]; onPassword: (username: string, password: string) => void }) {
  const { t, i18n } = useTranslation();
  const [editing, setEditing] = useState(false);
  const [role, setRole] = useState<string>(account.role);
  const [body, setBody] = useState<string>(String(account.organization.id));
  const update = useAccountMutation((patch: Parameters<typeof accountsApi.update>[1]) => accountsApi.update(account.id, patch));
  const reset = useAccountMutation(async () => {
    const password = oneTimePassword();
    await accountsApi.resetPassword(account.id, password);
    return password;
  });
  const fmt = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: "medium", timeStyle: "short" });
  const error = update.error ?? reset.error;
  return (
    <Table.Tr>
      <Table.Td><Text fw={600} size="sm">{account.username}</Text><Text size="xs" c="dimmed">{account.full_name}</Text></Table.Td>
      <Table.Td>
        {editing ? (
          <Stack gap={4}>
            <Select size="xs" aria-label={t("account.body")} data={bodies.map((b) => ({ value: String(b.id), label: b.name_ru }))} value={body} onChange={(v) => v && setBody(v)} searchable allowDeselect={false} />
            <Select size="xs" aria-label={t("account.role")} data={[{ value: "employee", label: t("account.roles.employee") }, { value: "admin", label: t("account.roles.admin") }]} value={role} onChange={(v) => v && setRole(v)} allowDeselect={false} />
          </Stack>
        ) : (
          <>
            <Text size="sm">{account.organization.name_ru}</Text>
            <Text size="xs" c="dimmed">{t(`account.roles.${account.role}`)}</Text>
          </>
        )}
      </Table.Td>
      <Table.Td>
        <Badge color={account.status === "active" ? "green" : "gray"} variant="light">{t(`account.statuses.${account.status}`)}</Badge>
        <Text size="xs" c="dimmed">{account.last_seen_at ? fmt.format(new Date(account.last_seen_at)) : t("account.never")}</Text>
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          {editing ? (
            <>
              <Button size="xs" loading={update.isPending} onClick={() => update.mutate(
                { role: role as Account["role"], organization_id: Number(body) },
                { onSuccess: () => setEditing(false) },
              )}>{t("account.save")}</Button>
              <Button size="xs" variant="default" onClick={() => setEditing(false)}>{t("account.cancel")}</Button>
            </>
          ) : (
            <Button size="xs" variant="subtle" aria-label={`${t("account.edit")}: ${account.username}`} onClick={() => setEditing(true)}>{t("account.edit")}</Button>
          )}
          <Button size="xs" variant="subtle" aria-label={`${t("account.reset")}: ${account.username}`} loading={reset.isPending}
            onClick={() => reset.mutate(undefined, { onSuccess: (password) => onPassword(account.username, password) })}>{t("account.reset")}</Button>
          <Button size="xs" variant="subtle" color={account.status === "active" ? "red" : "green"}
            aria-label={`${account.status === "active" ? t("account.disable") : t("account.enable")}: ${account.username}`}
            loading={update.isPending} onClick={() => update.mutate({ status: account.status === "active" ? "disabled" : "active" })}>
            {account.status === "active" ? t("account.disable") : t("account.enable")}
          </Button>
        </Group>
        {error && <Text size="xs" c="red" role="alert">{(error as Error).message}</Text>}
      </Table.Td>
    </Table.Tr>
  );
}

/** Учётные записи: the accounts of the administrator's body and the bodies below it. */
export function AccountsPage() {
  const { t } = useTranslation();
  const { status: auth } = useAuth();
  const me = useMe(auth === "authenticated");
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search, 300);
  const [status, setStatus] = useState<"all" | "active" | "disabled">("all");
  const [offset, setOffset] = useState(0);
  const [issued, setIssued] = useState<{ username: string; password: string } | null>(null);
  const accounts = useAccounts({ q, status: status === "all" ? null : status, offset });
  const bodies = useBodies(me.data?.organization.id);
  if (me.data && me.data.role !== "admin") return <Alert color="orange" m="lg">{t("account.adminsOnly")}</Alert>;
  const onIssued = (username: string, password: string) => setIssued({ username, password });
  return (
    <Stack gap="md" p={{ base: "sm", sm: "lg" }} maw={1400} mx="auto">
      <Group justify="space-between">
        <Title order={1}>{t("account.accountsTitle")}</Title>
        <Group gap="xs">
          <Button component={Link} to="/accounts/tokens" variant="light">{t("tokens.open")}</Button>
          <Button component={Link} to="/accounts/bulk" variant="light">{t("bulk.open")}</Button>
        </Group>
      </Group>
      {issued && <OneTimePassword username={issued.username} password={issued.password} />}
      <CreateForm bodies={bodies} onCreated={onIssued} />
      <Group align="flex-end">
        <TextInput type="search" label={t("account.search")} value={search} onChange={(e) => { setSearch(e.currentTarget.value); setOffset(0); }} w={320} />
        <SegmentedControl value={status} onChange={(v) => { setStatus(v as typeof status); setOffset(0); }}
          data={[{ value: "all", label: t("account.statuses.all") }, { value: "active", label: t("account.statuses.active") }, { value: "disabled", label: t("account.statuses.disabled") }]} />
      </Group>
      {accounts.isError && <Alert color="red" role="alert">{(accounts.error as Error).message}</Alert>}
      <Table striped withTableBorder aria-busy={accounts.isFetching}>
        <Table.Thead>
          <Table.Tr><Table.Th>{t("account.username")}</Table.Th><Table.Th>{t("account.body")}</Table.Th><Table.Th>{t("account.status")}</Table.Th><Table.Th /></Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {accounts.data?.items.map((a) => <Row key={`${a.id}-${a.role}-${a.organization.id}-${a.status}`} account={a} bodies={bodies} onPassword={onIssued} />)}
        </Table.Tbody>
      </Table>
      {accounts.data && (
        <Group>
          <Text size="sm" c="dimmed">{t("account.total", { count: accounts.data.total })}</Text>
          <Button size="xs" variant="default" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - 50))}>{t("account.prev")}</Button>
          <Button size="xs" variant="default" disabled={offset + 50 >= accounts.data.total} onClick={() => setOffset(offset + 50)}>{t("account.next")}</Button>
        </Group>
      )}
    </Stack>
  );
}
