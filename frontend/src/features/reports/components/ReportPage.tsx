import {
  Alert,
  Anchor,
  Badge,
  Button,
  Drawer,
  Group,
  Loader,
  Pagination,
  Paper,
  SegmentedControl,
  Skeleton,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { useDisclosure, useMediaQuery } from "@mantine/hooks";
import { lazy, Suspense, useEffect, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router";
import { describeError } from "../../../api/errors";
import { InfoIcon, PrintIcon } from "../../../components/icons";
import { formatDateTime, formatNumbersIn } from "../../../lib/format";
import type { Row } from "../api/model";
import {
  carriedSearch,
  FILTER_ORDER,
  queryFromSearch,
  toSearch,
  useCatalogue,
  useFilterOptions,
  useReport,
  withFilter,
  type FilterName,
} from "../api/reports";
import { ExportButton } from "./ExportButton";
import { FiltersBar } from "./FiltersBar";
import { MethodologyModal } from "./MethodologyModal";
import type { ChartSpec } from "./ReportChart";
import { ReportTable } from "./ReportTable";
import classes from "./ReportPage.module.css";

// ECharts is loaded only when a report carries a chart.
const ReportChart = lazy(() => import("./ReportChart").then((m) => ({ default: m.ReportChart })));

/** Format an ISO timestamp for the «данные на» line in the UI language, in the report's time zone (the one the
 * .xlsx and the print page use), whatever the browser's zone. */
export function formatStamp(iso: string | null | undefined, lang: string, timeZone?: string): string {
  return formatDateTime(iso, lang, true, timeZone);
}

/** Filters a report may wait for before it can be built (the school, then its class or teacher). */
const PROMPTED: FilterName[] = ["organization_id", "class_id", "teacher_id"];
/** Reports that open on one class by default (the first class of the latest year) rather than a prompt. */
const FIRST_CLASS_BY_DEFAULT = new Set(["school.performance.students"]);

/** A report: cascade filters, view switch, count line, table, chart, methodology, export and print. */
export function ReportPage() {
  const { reportId = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? "ru";
  const query = useMemo(() => queryFromSearch(params), [params]);
  const catalogue = useCatalogue(lang);
  const entry = catalogue.data?.find((r) => r.id === reportId);
  const needsOrganization = Boolean(entry?.requires_organization && !query.organization_id);
  const firstClassPending = FIRST_CLASS_BY_DEFAULT.has(reportId) && Boolean(query.organization_id) && !query.class_id;
  // Run the report once the catalogue says what it needs (a report of one school waits for the school).
  const report = useReport(reportId, query, lang, catalogue.isSuccess && !needsOrganization && !firstClassPending);
  const options = useFilterOptions(reportId, query, lang);
  const [methodology, { open, close }] = useDisclosure(false);
  const phone = useMediaQuery("(max-width: 48em)");
  const [drawer, drawerControls] = useDisclosure(false);

  const filterNames = ((entry?.filters ?? []) as string[]).filter((f): f is FilterName =>
    (FILTER_ORDER as readonly string[]).includes(f),
  );
  const failure = report.isError ? describeError(report.error, t) : null;
  const optionsFailure = options.isError ? describeError(options.error, t) : null;
  // The report waits for a choice (the school, then the class or teacher): a prompt, not an error.
  const wanted: FilterName | null = needsOrganization
    ? "organization_id"
    : failure?.field && PROMPTED.includes(failure.field as FilterName) && !query[failure.field as FilterName] &&
        failure.code === "invalid_input"
      ? (failure.field as FilterName)
      : null;
  // An error about one filter is said once, under that filter; any other error in the alert.
  const fieldErrors: Partial<Record<string, string>> = {};
  for (const f of [optionsFailure, wanted ? null : failure]) {
    if (f?.field && filterNames.includes(f.field as FilterName)) fieldErrors[f.field] = f.message;
  }
  const alertFailure = failure && !wanted && !(failure.field && fieldErrors[failure.field]) ? failure : null;
  const data = wanted ? undefined : report.data;
  const page = data?.page as { page: number; page_size: number; total_rows: number } | null | undefined;
  const backSearch = carriedSearch(query).toString();

  function update(next: Record<string, string | undefined>, replace = false) {
    setParams(toSearch(next as Record<string, string>), { replace });
  }

  // The student matrix opens on one class: the first class of the latest year of the chosen school (past the
  // 1st grade, whose pupils get no marks).
  const classes_ = options.data?.classes;
  useEffect(() => {
    if (!firstClassPending || !classes_ || options.isPlaceholderData) return;
    if (classes_.length === 0) return;
    const latest = Math.max(...classes_.map((c) => Number(c.parent_id ?? 0)));
    const current = classes_.filter((c) => Number(c.parent_id ?? 0) === latest);
    const first = current.find((c) => !/^1\D/.test(c.name)) ?? current[0] ?? classes_[0];
    setParams(toSearch({ ...query, class_id: String(first.id) } as Record<string, string>), { replace: true });
  }, [firstClassPending, classes_, options.isPlaceholderData, query, setParams]);

  const title = data?.title ?? entry?.title ?? reportId;
  const views = data?.views ?? [];

  return (
    <Stack gap="md" className={classes.page}>
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
        <div>
          <Anchor component={Link} to={backSearch ? `/reports?${backSearch}` : "/reports"} size="sm">
            ← {t("report.back")}
          </Anchor>
          <Title order={1} className={classes.title}>
            {title}
          </Title>
        </div>
        <Group gap="sm" className={classes.actions}>
          <Button variant="subtle" onClick={open} disabled={!data} leftSection={<InfoIcon />}>
            {t("report.howBuilt")}
          </Button>
          {data && (
            <>
              <ExportButton reportId={reportId} search={toSearch(query, { lang })} />
              <Button
                component={Link}
                to={`/reports/${encodeURIComponent(reportId)}/print?${toSearch(query)}`}
                target="_blank"
                rel="noopener"
                variant="light"
                leftSection={<PrintIcon />}
              >
                {t("report.print")}
              </Button>
            </>
          )}
        </Group>
      </Group>

      {filterNames.length > 0 &&
        (() => {
          const bar = (
            <FiltersBar
              filters={filterNames}
              query={query}
              applied={data?.filters}
              options={options.data}
              loading={options.isFetching}
              onChange={(name, value) => update(withFilter(query, name, value))}
              onReset={() => update(query.view ? { view: query.view } : {})}
              errors={fieldErrors}
              wanted={wanted}
            />
          );
          if (!phone) return bar;
          const chosen = filterNames.filter((f) => query[f]).length;
          return (
            <>
              <Button variant="default" onClick={drawerControls.open} aria-haspopup="dialog" fullWidth>
                {t("report.openFilters")}
                {chosen > 0 ? ` (${t("report.filtersChosen", { count: chosen })})` : ""}
              </Button>
              <Drawer
                opened={drawer}
                onClose={drawerControls.close}
                title={t("report.filters")}
                position="bottom"
                size="85%"
              >
                {bar}
              </Drawer>
            </>
          );
        })()}

      {wanted && (
        <Alert color="teal" variant="light" title={t("report.promptTitle")} data-testid="report-prompt" role="status">
          {wanted === "organization_id"
            ? t("report.chooseOrganization")
            : wanted === "class_id"
              ? t("report.chooseClass")
              : t("report.chooseTeacher")}
          {phone && (
            <Group mt="sm">
              <Button size="xs" onClick={drawerControls.open}>
                {t("report.openFilters")}
              </Button>
            </Group>
          )}
        </Alert>
      )}

      {alertFailure && (
        <Alert color="red" title={t("app.error")} role="alert">
          {alertFailure.message}{" "}
          <Button size="xs" variant="white" onClick={() => void report.refetch()}>
            {t("app.retry")}
          </Button>
        </Alert>
      )}

      {!data && !wanted && (report.isLoading || firstClassPending) && <Skeleton height={320} radius="md" />}

      {data && (
        <>
          <Group justify="space-between" align="center" wrap="wrap" gap="sm">
            <Group gap="md" wrap="wrap">
              {views.length > 1 && (
                <SegmentedControl
                  aria-label={t("report.view")}
                  value={data.view ?? views[0].id}
                  onChange={(view) => update({ ...query, view, page: undefined })}
                  data={views.map((v) => ({ value: v.id, label: v.title }))}
                  color="teal"
                />
              )}
              {data.count_label && (
                <Text fw={700} size="lg" data-testid="count-line" role="status">
                  {formatNumbersIn(data.count_label, lang)}
                </Text>
              )}
              {report.isFetching && <Loader size="xs" aria-label={t("app.loading")} />}
            </Group>
            <Group gap="xs">
              {data.data_as_of && (
                <Badge variant="outline" color="gray.8" size="lg" radius="sm" tt="none" fw={500}>
                  {t("report.dataAsOf", { date: formatStamp(data.data_as_of, lang, data.time_zone) })}
                </Badge>
              )}
            </Group>
          </Group>

          {data.chart && (
            <Paper withBorder p="sm" radius="md">
              <Suspense fallback={<Skeleton height={320} />}>
                <ReportChart
                  spec={data.chart as ChartSpec}
                  rows={data.rows as Row[]}
                  columns={data.columns}
                  title={`${t("report.chart")}: ${title}`}
                  lang={lang}
                />
              </Suspense>
            </Paper>
          )}

          <ReportTable
            columns={data.columns}
            rows={data.rows as Row[]}
            totals={data.totals as Row | null}
            noData={data.no_data ?? t("report.noData")}
            notTaught={data.not_taught}
            notTaughtLegend={data.not_taught_legend}
            offset={page ? (page.page - 1) * page.page_size : 0}
            caption={title}
          />

          {page && page.total_rows > page.page_size && (
            <Group justify="center">
              <Pagination
                total={Math.ceil(page.total_rows / page.page_size)}
                value={page.page}
                onChange={(p) => update({ ...query, page: String(p) })}
              />
            </Group>
          )}

          <MethodologyModal opened={methodology} onClose={close} title={title} text={data.methodology ?? ""} />
        </>
      )}
    </Stack>
  );
}
