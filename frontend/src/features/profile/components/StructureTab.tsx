import { ActionIcon, Anchor, Badge, Button, Card, Group, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { api, unwrap } from "../../../api/client";
import { editApi, type UnitWrite } from "../api/edit";
import { orgName, useLeader, useProfile, useSiteMutation, useStructure, type UnitRead } from "../api/profile";
import { DeleteButton } from "../../../components/DeleteButton";
import { MutationError } from "../../../components/MutationError";
import { useOrganizationId } from "./OrganizationSite";

function useStaff(organizationId: number, enabled: boolean) {
  return useQuery({
    queryKey: ["profile", organizationId, "staff"],
    enabled,
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/organizations/{organization_id}/staff", { params: { path: { organization_id: organizationId } } })),
  });
}

function unitForm(u?: UnitRead, sortOrder = 0): UnitWrite {
  return {
    name_ru: u?.name_ru ?? "",
    name_kk: u?.name_kk ?? null,
    parent_unit_id: u?.parent_unit_id ?? null,
    head_person_id: u?.head?.person_id ?? null,
    phone: u?.phone ?? null,
    email: u?.email ?? null,
    sort_order: u?.sort_order ?? sortOrder,
  };
}

/** Create or change a structural unit: names, parent unit, head (a member of the staff), phone, e-mail. */
function UnitEditor({ organizationId, unit, units, sortOrder, onDone }: { organizationId: number; unit?: UnitRead; units: UnitRead[]; sortOrder: number; onDone: () => void }) {
  const { t } = useTranslation("profile");
  const [form, setForm] = useState<UnitWrite>(unitForm(unit, sortOrder));
  const staff = useStaff(organizationId, true);
  const save = useSiteMutation(organizationId, () => {
    const body = { ...form, name_kk: form.name_kk || null, phone: form.phone || null, email: form.email || null };
    return unit ? editApi.updateUnit(unit.id, body) : editApi.createUnit(organizationId, body);
  });
  return (
    <Card withBorder component="form" aria-label={unit ? t("edit.edit") : t("edit.addUnit")} onSubmit={(e: React.FormEvent) => { e.preventDefault(); save.mutate(undefined, { onSuccess: onDone }); }}>
      <Stack gap="xs">
        <TextInput label={t("edit.unitName")} value={form.name_ru} onChange={(e) => setForm({ ...form, name_ru: e.currentTarget.value })} required />
        <TextInput label={t("edit.unitNameKk")} value={form.name_kk ?? ""} onChange={(e) => setForm({ ...form, name_kk: e.currentTarget.value })} />
        <Select label={t("edit.parentUnit")} clearable value={form.parent_unit_id ? String(form.parent_unit_id) : null}
          data={units.filter((u) => u.id !== unit?.id).map((u) => ({ value: String(u.id), label: u.name_ru }))}
          onChange={(v) => setForm({ ...form, parent_unit_id: v ? Number(v) : null })} />
        <Select label={t("edit.unitHead")} placeholder={t("edit.searchPerson")} searchable clearable
          value={form.head_person_id ? String(form.head_person_id) : null}
          data={(staff.data ?? []).map((p) => ({ value: String(p.person_id), label: p.full_name }))}
          onChange={(v) => setForm({ ...form, head_person_id: v ? Number(v) : null })} />
        <Group grow>
          <TextInput label={t("edit.phone")} value={form.phone ?? ""} onChange={(e) => setForm({ ...form, phone: e.currentTarget.value })} />
          <TextInput label={t("edit.email")} value={form.email ?? ""} onChange={(e) => setForm({ ...form, email: e.currentTarget.value })} />
        </Group>
        <MutationError error={save.error} />
        <Group>
          <Button type="submit" size="xs" loading={save.isPending}>{t("edit.save")}</Button>
          <Button size="xs" variant="default" onClick={onDone}>{t("edit.cancel")}</Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** Вкладка «Структура»: leaders' personal pages on the left, units and subordinate organizations. */
export function StructureTab() {
  const { t, i18n } = useTranslation("profile");
  const id = useOrganizationId();
  const structure = useStructure(id);
  const profile = useProfile(id);
  const canEdit = Boolean(profile.data?.can_edit);
  const [editing, setEditing] = useState<number | "new" | null>(null);
  const remove = useSiteMutation(id, (unitId: number) => editApi.deleteUnit(unitId));
  const reorder = useSiteMutation(id, async ({ units, index, delta }: { units: UnitRead[]; index: number; delta: number }) => {
    const list = [...units];
    const [moved] = list.splice(index, 1);
    list.splice(index + delta, 0, moved);
    // Every unit gets its position as sort_order, so the order holds whatever it was before.
    for (const [pos, u] of list.entries()) if (u.sort_order !== pos) await editApi.updateUnit(u.id, { ...unitForm(u), sort_order: pos });
  });
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
                {data.units.map((u, i) => editing === u.id ? (
                  <Table.Tr key={u.id}><Table.Td colSpan={4}>
                    <UnitEditor organizationId={id} unit={u} units={data.units} sortOrder={i} onDone={() => setEditing(null)} />
                  </Table.Td></Table.Tr>
                ) : (
                  <Table.Tr key={u.id}>
                    <Table.Td style={{ paddingLeft: u.parent_unit_id ? 32 : undefined }}>{(i18n.resolvedLanguage === "kk" && u.name_kk) || u.name_ru}</Table.Td>
                    <Table.Td>{u.head ? `${t("structure.head")}: ${u.head.full_name}` : ""}</Table.Td>
                    <Table.Td>{[u.phone, u.email].filter(Boolean).join(", ")}</Table.Td>
                    {canEdit && (
                      <Table.Td>
                        <Group gap={2} wrap="nowrap">
                          <ActionIcon variant="subtle" size="sm" disabled={i === 0} aria-label={`${t("edit.up")}: ${u.name_ru}`} onClick={() => reorder.mutate({ units: data.units, index: i, delta: -1 })}>↑</ActionIcon>
                          <ActionIcon variant="subtle" size="sm" disabled={i === data.units.length - 1} aria-label={`${t("edit.down")}: ${u.name_ru}`} onClick={() => reorder.mutate({ units: data.units, index: i, delta: 1 })}>↓</ActionIcon>
                          <Button size="xs" variant="subtle" aria-label={`${t("edit.edit")}: ${u.name_ru}`} onClick={() => setEditing(u.id)}>{t("edit.edit")}</Button>
                          <DeleteButton label={`${t("edit.delete")}: ${u.name_ru}`} onConfirm={() => remove.mutate(u.id)} />
                        </Group>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <MutationError error={remove.error ?? reorder.error} />
          {canEdit && editing === "new" && <UnitEditor organizationId={id} units={data.units} sortOrder={data.units.length} onDone={() => setEditing(null)} />}
          {canEdit && editing !== "new" && <Button size="xs" variant="light" mt="xs" onClick={() => setEditing("new")}>{t("edit.addUnit")}</Button>}
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
