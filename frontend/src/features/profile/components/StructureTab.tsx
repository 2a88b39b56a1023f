import { Anchor, Badge, Card, Group, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { orgName, useLeader, useStructure } from "../api/profile";
import { useOrganizationId } from "./OrganizationSite";

/** Вкладка «Структура»: leaders' personal pages on the left, units and subordinate organizations. */
export function StructureTab() {
  const { t, i18n } = useTranslation("profile");
  const id = useOrganizationId();
  const structure = useStructure(id);
  const data = structure.data;
  if (!data) return null;
  return (
    <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
      <Card withBorder component="nav" aria-label={t("structure.leaders")}>
        <Title order={2} size="h4" mb="xs">{t("structure.leaders")}</Title>
        <Stack gap={6}>
          {data.leaders.map((l) => (
            <div key={l.person_id}>
              <Anchor component={Link} to={`/o/${id}/leaders/${l.person_id}`}>{l.full_name}</Anchor>
              <Text size="xs" c="dimmed">{l.position}</Text>
            </div>
          ))}
        </Stack>
      </Card>
      <Stack gap="lg" style={{ gridColumn: "span 2" }}>
        <section aria-labelledby="units">
          <Title order={2} size="h3" id="units" mb="xs">{t("structure.units")}</Title>
          {data.units.length === 0 ? <Text c="dimmed">{t("structure.noUnits")}</Text> : (
            <Table striped withTableBorder>
              <Table.Tbody>
                {data.units.map((u) => (
                  <Table.Tr key={u.id}>
                    <Table.Td style={{ paddingLeft: u.parent_unit_id ? 32 : undefined }}>{(i18n.resolvedLanguage === "kk" && u.name_kk) || u.name_ru}</Table.Td>
                    <Table.Td>{u.head ? `${t("structure.head")}: ${u.head.full_name}` : ""}</Table.Td>
                    <Table.Td>{[u.phone, u.email].filter(Boolean).join(", ")}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </section>
        <section aria-labelledby="subs">
          <Title order={2} size="h3" id="subs" mb="xs">{t("structure.subordinates")}</Title>
          {data.subordinates.length === 0 ? <Text c="dimmed">{t("structure.noSubordinates")}</Text> : (
            <Stack gap={4}>
              {data.subordinates.map((o) => (
                <Group key={o.id} gap="xs">
                  <Anchor component={Link} to={o.profile_url}>{orgName(o, i18n.resolvedLanguage)}</Anchor>
                  {o.type_name_ru && <Badge variant="light" size="sm">{o.type_name_ru}</Badge>}
                  {o.district_name_ru && <Text size="xs" c="dimmed">{o.district_name_ru}</Text>}
                </Group>
              ))}
            </Stack>
          )}
        </section>
      </Stack>
    </SimpleGrid>
  );
}

/** A leader's personal page: positions, contacts, reception hours. */
export function LeaderPageView() {
  const { t } = useTranslation("profile");
  const id = useOrganizationId();
  const { personId } = useParams();
  const leader = useLeader(id, Number(personId));
  const data = leader.data;
  if (leader.isError) return <Text c="red">{(leader.error as Error).message}</Text>;
  if (!data) return null;
  return (
    <Card withBorder maw={720}>
      <Anchor component={Link} to={`/o/${id}/structure`} size="sm">← {t("structure.back")}</Anchor>
      <Title order={2} mt="xs">{data.full_name}</Title>
      <Text c="dimmed">{data.positions.join(", ")}</Text>
      <Stack gap={2} mt="sm">
        {data.phone && <Text size="sm">{data.phone}</Text>}
        {data.email && <Anchor href={`mailto:${data.email}`} size="sm">{data.email}</Anchor>}
      </Stack>
      {data.reception.length > 0 && (
        <>
          <Title order={3} size="h5" mt="md">{t("structure.reception")}</Title>
          {data.reception.map((r) => (
            <Text key={r.id} size="sm">{r.days}, {r.hours}{r.place ? `, ${r.place}` : ""}</Text>
          ))}
        </>
      )}
    </Card>
  );
}
