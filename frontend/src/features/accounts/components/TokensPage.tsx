import { Alert, Anchor, Badge, Button, Card, Checkbox, Code, CopyButton, Group, MultiSelect, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { errorText } from "../../../api/errors";
import { useMe } from "../../../lib/auth/auth";
import { useAuth } from "../../../lib/auth/AuthProvider";
import type { DirectoryEntry } from "../../../api/directory";
import { useSubtreeOrganizations } from "../api/bodies";
import { tokensApi, useTokenMutation, useTokens, type Token } from "../api/tokens";

type Scope = "read" | "write";

function CreateForm({ rootId, kinds, onCreated }: { rootId: number | undefined; kinds: string[]; onCreated: (name: string, secret: string) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState("");
  const [system, setSystem] = useState("");
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search, 300);
  const [organization, setOrganization] = useState<DirectoryEntry | null>(null);
  const [scopes, setScopes] = useState<Scope[]>(["write"]);
  const [chosenKinds, setChosenKinds] = useState<string[]>([]);
  const options = useSubtreeOrganizations(rootId, q);
  const data = organization && !options.some((o) => o.id === organization.id) ? [organization, ...options] : options;
  const create = useTokenMutation(() =>
    tokensApi.create({
      name,
      external_system: system,
      organization_id: organization?.id ?? 0,
      scopes,
      kinds: scopes.includes("write") ? chosenKinds : [],
    }),
  );
  return (
    <Card withBorder component="form" aria-label={t("tokens.create")} onSubmit={(e: React.FormEvent) => {
      e.preventDefault();
      create.mutate(undefined, { onSuccess: (created) => { onCreated(created.name, created.token); setName(""); } });
    }}>
      <Stack gap="xs">
        <Title order={2} size="h4">{t("tokens.create")}</Title>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput label={t("tokens.name")} value={name} onChange={(e) => setName(e.currentTarget.value)} required maxLength={255} />
          <TextInput label={t("tokens.system")} description={t("tokens.systemHint")} value={system} onChange={(e) => setSystem(e.currentTarget.value)} required maxLength={64} />
          <Select
            label={t("tokens.organization")}
            description={t("tokens.organizationHint")}
            placeholder={t("tokens.search")}
            data={data.map((o) => ({ value: String(o.id), label: o.name_ru }))}
            value={organization ? String(organization.id) : null}
            onChange={(v) => setOrganization(data.find((o) => String(o.id) === v) ?? null)}
            searchValue={search}
            onSearchChange={setSearch}
            searchable
            required
          />
        </SimpleGrid>
        <Checkbox.Group label={t("tokens.rights")} value={scopes} onChange={(v) => setScopes(v as Scope[])}>
          <Group mt={4}>
            <Checkbox value="write" label={t("tokens.write")} />
            <Checkbox value="read" label={t("tokens.read")} />
          </Group>
        </Checkbox.Group>
        {scopes.includes("write") && (
          <MultiSelect label={t("tokens.kinds")} data={kinds} value={chosenKinds} onChange={setChosenKinds} searchable clearable />
        )}
        {create.isError && <Alert color="red" role="alert">{errorText(create.error, t)}</Alert>}
        <Group><Button type="submit" loading={create.isPending} disabled={!organization || scopes.length === 0}>{t("tokens.createButton")}</Button></Group>
      </Stack>
    </Card>
  );
}

function Row({ token }: { token: Token }) {
  const { t, i18n } = useTranslation();
  const revoke = useTokenMutation(() => tokensApi.revoke(token.id));
  const fmt = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: "medium", timeStyle: "short" });
  const rights = token.scopes.map((s) => t(`tokens.${s}`)).join(", ");
  return (
    <Table.Tr>
      <Table.Td>
        <Text fw={600} size="sm">{token.name}</Text>
        <Text size="xs" c="dimmed">{token.external_system} · <Code>{token.token_prefix}…</Code></Text>
      </Table.Td>
      <Table.Td>
        <Anchor component={Link} to={`/o/${token.organization_id}`} size="sm">{token.organization_name_ru ?? `#${token.organization_id}`}</Anchor>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{rights}</Text>
        {token.kinds.length > 0 && <Text size="xs" c="dimmed">{token.kinds.join(", ")}</Text>}
      </Table.Td>
      <Table.Td>
        <Text size="xs">{t("tokens.created")}: {fmt.format(new Date(token.created_at))}</Text>
        <Text size="xs" c="dimmed">{t("tokens.lastUsed")}: {token.last_used_at ? fmt.format(new Date(token.last_used_at)) : t("tokens.never")}</Text>
      </Table.Td>
      <Table.Td>
        {token.revoked_at ? (
          <Badge color="gray" variant="light">{t("tokens.revoked")} {fmt.format(new Date(token.revoked_at))}</Badge>
        ) : (
          <Group gap={4}>
            <Badge color="green" variant="light">{t("tokens.active")}</Badge>
            <Button size="xs" variant="subtle" color="red" aria-label={`${t("tokens.revoke")}: ${token.name}`} loading={revoke.isPending}
              onClick={() => { if (window.confirm(t("tokens.confirmRevoke", { name: token.name }))) revoke.mutate(undefined); }}>
              {t("tokens.revoke")}
            </Button>
          </Group>
        )}
        {revoke.isError && <Text size="xs" c="red" role="alert">{errorText(revoke.error, t)}</Text>}
      </Table.Td>
    </Table.Tr>
  );
}

/** Токены интеграции: the API tokens the administrator gives to school systems (write) and data warehouses (read). */
export function TokensPage() {
  const { t } = useTranslation();
  const { status: auth } = useAuth();
  const me = useMe(auth === "authenticated");
  const tokens = useTokens();
  const [issued, setIssued] = useState<{ name: string; secret: string } | null>(null);
  if (me.data && me.data.role !== "admin") return <Alert color="orange" m="lg">{t("tokens.adminsOnly")}</Alert>;
  return (
    <Stack gap="md" p={{ base: "sm", sm: "lg" }} maw={1400} mx="auto">
      <Title order={1}>{t("tokens.title")}</Title>
      <Text size="sm" c="dimmed">{t("tokens.intro")}</Text>
      {issued && (
        <Alert color="green" role="status" title={t("tokens.secretTitle")}>
          <Text size="sm">{t("tokens.secretText")}</Text>
          <Group gap="xs" mt={4} wrap="nowrap">
            <Code fz="sm" data-testid="token-secret" style={{ wordBreak: "break-all" }}>{issued.secret}</Code>
            <CopyButton value={issued.secret}>
              {({ copied, copy }) => <Button size="xs" variant="light" onClick={copy}>{copied ? t("tokens.copied") : t("tokens.copy")}</Button>}
            </CopyButton>
          </Group>
        </Alert>
      )}
      <CreateForm rootId={me.data?.organization.id} kinds={tokens.data?.kinds ?? []} onCreated={(name, secret) => setIssued({ name, secret })} />
      {tokens.isError && <Alert color="red" role="alert">{errorText(tokens.error, t)}</Alert>}
      <Table striped withTableBorder aria-busy={tokens.isFetching}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("tokens.name")}</Table.Th>
            <Table.Th>{t("tokens.organization")}</Table.Th>
            <Table.Th>{t("tokens.rights")}</Table.Th>
            <Table.Th>{t("tokens.created")}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tokens.data?.items.map((token) => <Row key={`${token.id}-${token.revoked_at ?? ""}`} token={token} />)}
        </Table.Tbody>
      </Table>
      {tokens.data && tokens.data.items.length === 0 && <Text size="sm" c="dimmed">{t("tokens.empty")}</Text>}
    </Stack>
  );
}
