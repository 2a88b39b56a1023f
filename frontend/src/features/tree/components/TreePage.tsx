import { Alert, Anchor, Badge, Breadcrumbs, Button, Card, Group, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useMe } from "../../../lib/auth/auth";
import { useAuth } from "../../../lib/auth/AuthProvider";
import {
  treeApi, useBodies, useChildren, useDistricts, useOrganization, useRegions, useTreeMutation, useTypes,
  type OrganizationCreate, type TreeOrganization,
} from "../api/tree";
import { DataExport } from "./DataExport";
import { RegistryImport } from "./RegistryImport";

type ChildKind = OrganizationCreate["kind"];
const CHILD_KINDS: Record<string, ChildKind[]> = {
  ministry: ["regional_body", "school"],
  regional_body: ["district_body", "school"],
  district_body: ["school"],
};

function CreateForm({ parent }: { parent: TreeOrganization }) {
  const { t } = useTranslation();
  const kinds = CHILD_KINDS[parent.kind] ?? [];
  const [kind, setKind] = useState<ChildKind>(kinds[kinds.length - 1] ?? "school");
  const [nameRu, setNameRu] = useState("");
  const [nameKk, setNameKk] = useState("");
  const [typeId, setTypeId] = useState<string | null>(null);
  const [regionId, setRegionId] = useState<string | null>(null);
  const [districtId, setDistrictId] = useState<string | null>(null);
  const types = useTypes();
  const regions = useRegions();
  const region = parent.region_id ?? (regionId ? Number(regionId) : null);
  const districts = useDistricts(region);
  const create = useTreeMutation(() =>
    treeApi.create({
      kind, parent_id: parent.id, name_ru: nameRu, name_kk: nameKk || null,
      type_id: kind === "school" && typeId ? Number(typeId) : null,
      region_id: parent.region_id == null && regionId ? Number(regionId) : null,
      district_id: parent.district_id == null && kind !== "regional_body" && districtId ? Number(districtId) : null,
    }),
  );
  if (kinds.length === 0) return null;
  return (
    <Card withBorder component="form" aria-label={t("tree.create")} onSubmit={(e: React.FormEvent) => {
      e.preventDefault();
      create.mutate(undefined, { onSuccess: () => { setNameRu(""); setNameKk(""); } });
    }}>
      <Stack gap="xs">
        <Title order={2} size="h4">{t("tree.create")}</Title>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Select label={t("tree.kind")} data={kinds.map((k) => ({ value: k, label: t(`tree.kinds.${k}`) }))} value={kind}
            onChange={(v) => v && setKind(v as ChildKind)} allowDeselect={false} />
          <TextInput label={t("tree.nameRu")} value={nameRu} onChange={(e) => setNameRu(e.currentTarget.value)} required />
          <TextInput label={t("tree.nameKk")} value={nameKk} onChange={(e) => setNameKk(e.currentTarget.value)} />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          {kind === "school" && (
            <Select label={t("tree.type")} data={(types.data ?? []).map((x) => ({ value: String(x.id), label: x.name_ru }))}
              value={typeId} onChange={setTypeId} required searchable />
          )}
          {parent.region_id == null && (
            <Select label={t("tree.region")} data={(regions.data ?? []).map((x) => ({ value: String(x.id), label: x.name_ru }))}
              value={regionId} onChange={setRegionId} required searchable />
          )}
          {parent.district_id == null && kind !== "regional_body" && region != null && (
            <Select label={t("tree.district")} data={(districts.data ?? []).map((x) => ({ value: String(x.id), label: x.name_ru }))}
              value={districtId} onChange={setDistrictId} required={kind === "district_body"} searchable clearable />
          )}
        </SimpleGrid>
        {create.isError && <Alert color="red" role="alert">{(create.error as Error).message}</Alert>}
        <Group><Button type="submit" loading={create.isPending}>{t("tree.createButton")}</Button></Group>
      </Stack>
    </Card>
  );
}

function DistrictsCard({ regionId }: { regionId: number }) {
  const { t } = useTranslation();
  const districts = useDistricts(regionId);
  const [nameRu, setNameRu] = useState("");
  const [nameKk, setNameKk] = useState("");
  const [kind, setKind] = useState<"district" | "city">("district");
  const create = useTreeMutation(() => treeApi.createDistrict({ region_id: regionId, name_ru: nameRu, name_kk: nameKk, kind }));
  return (
    <Card withBorder component="form" aria-label={t("tree.districts")} onSubmit={(e: React.FormEvent) => {
      e.preventDefault();
      create.mutate(undefined, { onSuccess: () => { setNameRu(""); setNameKk(""); } });
    }}>
      <Stack gap="xs">
        <Title order={2} size="h4">{t("tree.districts")}</Title>
        <Group gap={6}>
          {(districts.data ?? []).map((d) => <Badge key={d.id} variant="light">{d.name_ru}</Badge>)}
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput label={t("tree.districtNameRu")} value={nameRu} onChange={(e) => setNameRu(e.currentTarget.value)} required />
          <TextInput label={t("tree.districtNameKk")} value={nameKk} onChange={(e) => setNameKk(e.currentTarget.value)} required />
          <Select label={t("tree.districtKind")} value={kind} onChange={(v) => v && setKind(v as "district" | "city")} allowDeselect={false}
            data={[{ value: "district", label: t("tree.districtKinds.district") }, { value: "city", label: t("tree.districtKinds.city") }]} />
        </SimpleGrid>
        {create.isError && <Alert color="red" role="alert">{(create.error as Error).message}</Alert>}
        <Group><Button type="submit" variant="light" loading={create.isPending}>{t("tree.addDistrict")}</Button></Group>
      </Stack>
    </Card>
  );
}

function Row({ org, onOpen }: { org: TreeOrganization; onOpen: (org: TreeOrganization) => void }) {
  const { t } = useTranslation();
  const bodies = useBodies();
  const [target, setTarget] = useState<string | null>(null);
  const move = useTreeMutation((parentId: number) => treeApi.move(org.id, parentId));
  const close = useTreeMutation(() => (org.closed_on ? treeApi.reopen(org.id) : treeApi.close(org.id)));
  const targets = (bodies.data ?? []).filter((b) => b.id !== org.parent_id && !b.path.includes(org.id));
  const error = move.error ?? close.error;
  return (
    <Table.Tr>
      <Table.Td>
        {org.kind !== "school" && !org.closed_on ? (
          <Anchor component="button" type="button" onClick={() => onOpen(org)}>{org.name_ru}</Anchor>
        ) : (
          <Text size="sm">{org.name_ru}</Text>
        )}
        <Text size="xs" c="dimmed">{org.name_kk}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{t(`tree.kinds.${org.kind}`)}</Text>
        {org.closed_on && <Badge color="gray" variant="light">{t("tree.closedOn", { date: org.closed_on })}</Badge>}
      </Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          {!org.closed_on && (
            <>
              <Select size="xs" w={220} aria-label={`${t("tree.moveTo")}: ${org.name_ru}`} placeholder={t("tree.moveTo")}
                data={targets.map((b) => ({ value: String(b.id), label: b.name_ru }))} value={target} onChange={setTarget} searchable />
              <Button size="xs" variant="subtle" disabled={!target} loading={move.isPending}
                onClick={() => target && move.mutate(Number(target), { onSuccess: () => setTarget(null) })}>{t("tree.move")}</Button>
            </>
          )}
          <Button size="xs" variant="subtle" color={org.closed_on ? "green" : "red"} loading={close.isPending}
            aria-label={`${org.closed_on ? t("tree.reopen") : t("tree.close")}: ${org.name_ru}`} onClick={() => close.mutate(undefined)}>
            {org.closed_on ? t("tree.reopen") : t("tree.close")}
          </Button>
        </Group>
        {error && <Text size="xs" c="red" role="alert">{(error as Error).message}</Text>}
      </Table.Td>
    </Table.Tr>
  );
}

/** Дерево организаций: the bodies, schools and districts an administrator keeps, one level at a time. */
export function TreePage() {
  const { t } = useTranslation();
  const { status: auth } = useAuth();
  const me = useMe(auth === "authenticated");
  const [trail, setTrail] = useState<{ id: number; name: string }[]>([]);
  const [includeClosed, setIncludeClosed] = useState(false);
  const [importing, setImporting] = useState(false);
  const [exporting, setExporting] = useState(false);
  const rootId = me.data?.organization.id;
  const currentId = trail.length ? trail[trail.length - 1].id : rootId;
  const current = useOrganization(currentId);
  const children = useChildren(currentId, includeClosed);
  if (me.data && me.data.role !== "admin") return <Alert color="orange" m="lg">{t("tree.adminsOnly")}</Alert>;
  const canKeepDistricts = current.data && current.data.region_id != null && current.data.district_id == null
    && (me.data?.organization.kind === "ministry" || me.data?.organization.kind === "regional_body");
  return (
    <Stack gap="md" p={{ base: "sm", sm: "lg" }} maw={1400} mx="auto">
      <Group justify="space-between">
        <Title order={1}>{t("tree.title")}</Title>
        <Group gap="xs">
          {!exporting && current.data && (
            <Button variant="light" onClick={() => setExporting(true)}>{t("dataExport.open")}</Button>
          )}
          {!importing && <Button variant="light" onClick={() => setImporting(true)}>{t("registryImport.open")}</Button>}
        </Group>
      </Group>
      {importing && <RegistryImport onClose={() => setImporting(false)} />}
      {exporting && current.data && (
        <DataExport key={current.data.id} organization={current.data} onClose={() => setExporting(false)} />
      )}
      <Breadcrumbs>
        <Anchor component="button" type="button" onClick={() => setTrail([])}>{me.data?.organization.name_ru ?? "…"}</Anchor>
        {trail.map((x, i) => (
          <Anchor key={x.id} component="button" type="button" onClick={() => setTrail(trail.slice(0, i + 1))}>{x.name}</Anchor>
        ))}
      </Breadcrumbs>
      {current.data && <CreateForm key={current.data.id} parent={current.data} />}
      {canKeepDistricts && current.data?.region_id != null && <DistrictsCard regionId={current.data.region_id} />}
      <Switch label={t("tree.includeClosed")} checked={includeClosed} onChange={(e) => setIncludeClosed(e.currentTarget.checked)} />
      {children.isError && <Alert color="red" role="alert">{(children.error as Error).message}</Alert>}
      <Table striped withTableBorder aria-busy={children.isFetching} aria-label={t("tree.children")}>
        <Table.Thead>
          <Table.Tr><Table.Th>{t("tree.name")}</Table.Th><Table.Th>{t("tree.kind")}</Table.Th><Table.Th /></Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {children.data?.map((o) => (
            <Row key={`${o.id}-${o.parent_id}-${o.closed_on ?? ""}`} org={o} onOpen={(x) => setTrail([...trail, { id: x.id, name: x.name_ru }])} />
          ))}
        </Table.Tbody>
      </Table>
      {children.data?.length === 0 && <Text c="dimmed">{t("tree.empty")}</Text>}
    </Stack>
  );
}
