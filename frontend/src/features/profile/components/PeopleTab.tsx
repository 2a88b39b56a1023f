import { Alert, Anchor, Badge, Button, Checkbox, Group, NavLink, Paper, Stack, Table, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useAuth } from "../../../lib/auth/AuthProvider";
import { usePeople, useProfile, type PeopleCategory, type PersonRow } from "../api/profile";
import { useOrganizationId } from "./OrganizationSite";

const CATEGORIES: PeopleCategory[] = ["all", "leaders", "administration", "school_staff", "students", "parents"];

function roleLabel(t: (k: string) => string, m: PersonRow["memberships"][number]): string {
  const known = ["student", "parent", "app_admin", "app_employee"];
  const role = known.includes(m.role) ? t(`people.role_${m.role}`) : m.detail ?? m.role;
  const detail = known.includes(m.role) && m.detail ? ` ${m.detail}` : "";
  return `${m.organization_name} — ${role}${detail}`;
}

/** Вкладка «Люди»: the directory for employees of the body and the bodies above; others are told what it is. */
export function PeopleTab() {
  const { t } = useTranslation("profile");
  const id = useOrganizationId();
  const profile = useProfile(id);
  const { status } = useAuth();
  if (!profile.data) return null;
  if (!profile.data.is_employee) {
    return (
      <Alert color="blue" title={t("peopleInfo.title")} role="status" maw={760}>
        <Text size="sm">{status === "authenticated" ? t("peopleInfo.outsider") : t("peopleInfo.anonymous")}</Text>
        {status !== "authenticated" && (
          <Button component={Link} to={`/login?next=${encodeURIComponent(`/o/${id}/people`)}`} size="xs" mt="sm">{t("directory.signIn")}</Button>
        )}
      </Alert>
    );
  }
  return <PeopleDirectory organizationId={id} />;
}

function PeopleDirectory({ organizationId: id }: { organizationId: number }) {
  const { t } = useTranslation("profile");
  const [category, setCategory] = useState<PeopleCategory>("all");
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search, 300);
  const [online, setOnline] = useState(false);
  const [page, setPage] = useState(1);
  const people = usePeople(id, { category, q, online, page });

  return (
    <Group align="flex-start" wrap="wrap" gap="lg">
      <Paper withBorder p="xs" w={{ base: "100%", sm: 220 }} component="nav" aria-label={t("people.categories")}>
        {CATEGORIES.map((c) => (
          <NavLink key={c} label={t(`people.${c}`)} active={c === category} onClick={() => { setCategory(c); setPage(1); }} component="button" />
        ))}
      </Paper>
      <Stack style={{ flex: 1, minWidth: 0 }} gap="sm">
        <Group align="flex-end">
          <TextInput label={t("people.search")} type="search" value={search} onChange={(e) => { setSearch(e.currentTarget.value); setPage(1); }} w={{ base: "100%", sm: 320 }} />
          <Checkbox label={t("people.online")} checked={online} onChange={(e) => { setOnline(e.currentTarget.checked); setPage(1); }} />
        </Group>
        {people.isError && <Alert color="red" role="alert">{(people.error as Error).message}</Alert>}
        <Table striped withTableBorder aria-busy={people.isFetching}>
          <Table.Thead>
            <Table.Tr><Table.Th>{t("people.name")}</Table.Th><Table.Th>{t("people.where")}</Table.Th></Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {people.data?.items.map((p) => (
              <Table.Tr key={p.person_id}>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    {p.registered ? (
                      <Anchor component={Link} c="#166534" fw={600} to={`/o/${p.memberships[0]?.organization_id ?? id}`} title={t("people.registered")}>{p.full_name}</Anchor>
                    ) : (
                      <Text size="sm" title={t("people.notRegistered")}>{p.full_name}</Text>
                    )}
                    {p.online && <Badge color="green" size="xs">{t("people.onlineNow")}</Badge>}
                  </Group>
                </Table.Td>
                <Table.Td>
                  {p.memberships.map((m, i) => <Text key={i} size="xs" c="dimmed">{roleLabel(t, m)}</Text>)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {people.data && people.data.items.length === 0 && <Text c="dimmed">{t("people.empty")}</Text>}
        {people.data && people.data.total > 0 && (
          <Text size="sm" c="dimmed" aria-live="polite">
            {t(people.data.total_exact ? "people.total" : "people.totalMore", { count: people.data.total })}
          </Text>
        )}
        {people.data?.approximate && people.data.items.length > 0 && <Text size="sm" c="dimmed">{t("people.approximate")}</Text>}
        <Group>
          <Button variant="default" size="xs" disabled={page === 1} onClick={() => setPage(page - 1)}>{t("people.prev")}</Button>
          <Text size="sm">{t("people.page", { page })}</Text>
          <Button variant="default" size="xs" disabled={!people.data?.has_more} onClick={() => setPage(page + 1)}>{t("people.next")}</Button>
        </Group>
      </Stack>
    </Group>
  );
}
