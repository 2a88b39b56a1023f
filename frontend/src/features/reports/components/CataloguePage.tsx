import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { errorText } from "../../../api/errors";
import type { CatalogueEntry } from "../api/model";
import { carriedSearch, queryFromSearch, reportHref, useCatalogue, useFilterOptions } from "../api/reports";
import classes from "./CataloguePage.module.css";

export interface CatalogueGroup {
  title: string;
  reports: { entry: CatalogueEntry; label: string }[];
}

// The order of the menu of figure 6 (and then the rest of the catalogue), by report id prefix.
const FIGURE_6_ORDER = [
  "school.about",
  "school.lists",
  "school.movement",
  "school.performance",
  "school.attendance",
  "school.homework",
  "school.admin",
  "school.marks.statistics",
  "school.marks.average",
  "school.journal.keeping",
  "school.activity",
  "school.data_completeness",
  "school.journal.history",
];

/** Position of a report in the figure-6 menu (unknown ids last, catalogue order kept among equals). */
export function figure6Rank(id: string): number {
  const at = FIGURE_6_ORDER.findIndex((prefix) => id === prefix || id.startsWith(`${prefix}.`));
  return at < 0 ? FIGURE_6_ORDER.length : at;
}

/**
 * Group the school reports as the menu of figure 6 does: «Успеваемость: Школа» goes under
 * «Успеваемость» as «Школа»; entries without a colon stand alone, in catalogue order.
 */
export function groupSchoolReports(entries: CatalogueEntry[]): CatalogueGroup[] {
  const groups: CatalogueGroup[] = [];
  const byTitle = new Map<string, CatalogueGroup>();
  const ordered = [...entries].sort((a, b) => figure6Rank(a.id) - figure6Rank(b.id));
  for (const entry of ordered) {
    const at = entry.title.indexOf(": ");
    const head = at > 0 ? entry.title.slice(0, at) : entry.title;
    const label = at > 0 ? entry.title.slice(at + 2) : entry.title;
    let group = byTitle.get(head);
    if (!group) {
      group = { title: head, reports: [] };
      byTitle.set(head, group);
      groups.push(group);
    }
    group.reports.push({ entry, label });
  }
  return groups;
}

/** The reports catalogue: management reports across organizations, then the reports of one organization. */
export function CataloguePage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? "ru";
  const catalogue = useCatalogue(lang);
  const [search, setSearch] = useState("");
  // The school (and class or teacher) chosen in a report stays chosen here and in the reports opened from here.
  const [params, setParams] = useSearchParams();
  const carried = useMemo(() => carriedSearch(queryFromSearch(params)), [params]);
  const organizationId = carried.get("organization_id");
  const firstSchoolReport = catalogue.data?.find((r) => r.requires_organization)?.id ?? "school.about";
  const orgOptions = useFilterOptions(firstSchoolReport, organizationId ? { organization_id: organizationId } : {}, lang, Boolean(organizationId));
  const orgName = organizationId
    ? (orgOptions.data?.organizations ?? []).find((o) => String(o.id) === organizationId)?.name
    : undefined;
  const href = (entry: CatalogueEntry) => reportHref(entry.id, entry.filters ?? [], carried);

  const { management, school } = useMemo(() => {
    const needle = search.trim().toLocaleLowerCase();
    const all = (catalogue.data ?? []).filter((r) => !needle || r.title.toLocaleLowerCase().includes(needle));
    return {
      management: all.filter((r) => r.section === "management"),
      school: groupSchoolReports(all.filter((r) => r.section === "school")),
    };
  }, [catalogue.data, search]);

  return (
    <Stack gap="lg" className={classes.page}>
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Title order={1} className={classes.title}>
            {t("catalogue.title")}
          </Title>
          <Text c="dimmed" maw={720}>
            {t("catalogue.intro")}
          </Text>
        </div>
        <TextInput
          label={t("catalogue.search")}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          type="search"
          w={300}
        />
      </Group>

      {catalogue.isError && (
        <Alert color="red" role="alert" title={t("app.error")}>
          {errorText(catalogue.error, t)}
        </Alert>
      )}

      {organizationId && (
        <Paper withBorder radius="md" p="sm" data-testid="catalogue-organization">
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Text fw={600}>{t("catalogue.forOrganization", { name: orgName ?? `#${organizationId}` })}</Text>
            <Button variant="subtle" size="xs" onClick={() => setParams(new URLSearchParams())}>
              {t("catalogue.otherOrganization")}
            </Button>
          </Group>
        </Paper>
      )}
      {catalogue.isLoading && <Skeleton height={240} radius="md" />}

      {management.length > 0 && (
        <section aria-labelledby="cat-management">
          <Title order={2} id="cat-management" className={classes.section}>
            {t("catalogue.management")}
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
            {management.map((r) => (
              <Card
                key={r.id}
                component={Link}
                to={href(r)}
                withBorder
                radius="md"
                padding="lg"
                className={classes.card}
              >
                <Text fw={700} size="lg" className={classes.cardTitle}>
                  {r.title}
                </Text>
                {(r.views ?? []).length > 0 && (
                  <Group gap={6} mt="sm">
                    {(r.views ?? []).map((v) => (
                      <Badge key={v.id} variant="light" color="teal" radius="sm" tt="none">
                        {v.title}
                      </Badge>
                    ))}
                  </Group>
                )}
              </Card>
            ))}
          </SimpleGrid>
        </section>
      )}

      {school.length > 0 && (
        <section aria-labelledby="cat-school">
          <Title order={2} id="cat-school" className={classes.section}>
            {t("catalogue.school")}
          </Title>
          <div className={classes.columns}>
            {school.map((group) => (
              <Card key={group.title} withBorder radius="md" padding="md" className={classes.groupCard}>
                {group.reports.length === 1 && group.reports[0].label === group.title ? (
                  <Anchor component={Link} to={href(group.reports[0].entry)} fw={700}>
                    {group.title}
                  </Anchor>
                ) : (
                  <>
                    <Text fw={700} mb={6} className={classes.groupTitle}>
                      {group.title}
                    </Text>
                    <ul className={classes.list}>
                  {group.reports.map(({ entry, label }) => (
                    <li key={entry.id}>
                      <Anchor component={Link} to={href(entry)}>
                          {group.reports.length === 1 ? entry.title : label}
                      </Anchor>
                    </li>
                      ))}
                    </ul>
                  </>
                )}
              </Card>
            ))}
          </div>
        </section>
      )}

      {catalogue.isSuccess && management.length === 0 && school.length === 0 && <Text>{t("catalogue.empty")}</Text>}
    </Stack>
  );
}
