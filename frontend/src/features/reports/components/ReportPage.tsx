import {
  Alert,
  Anchor,
  Badge,
  Button,
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
import { useDisclosure } from "@mantine/hooks";
import { lazy, Suspense, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router";
import { InfoIcon, PrintIcon } from "../../../app/icons";
import type { Row } from "../api/model";
import {
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
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const locale = lang === "en" ? "en-GB" : lang === "kk" ? "kk-KZ" : "ru-RU";
  try {
    return d.toLocaleString(locale, { dateStyle: "medium", timeStyle: "short", timeZone });
  } catch {
    return d.toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" }); // a zone the browser lacks
  }
}

/** A report: cascade filters, view switch, count line, table, chart, methodology, export and print. */
export function ReportPage() {
  const { reportId = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? "ru";
  const query = useMemo(() => queryFromSearch(params), [params]);
  const catalogue = useCatalogue(lang);
  const entry = catalogue.data?.find((r) => r.id === reportId);
  const report = useReport(reportId, query, lang);
  const options = useFilterOptions(reportId, query, lang);
  const [methodology, { open, close }] = useDisclosure(false);

  const filterNames = ((entry?.filters ?? []) as string[]).filter((f): f is FilterName =>
    (FILTER_ORDER as readonly string[]).includes(f),
  );
  const data = report.data;
  const page = data?.page as { page: number; page_size: number; total_rows: number } | null | undefined;

  function update(next: Record<string, string | undefined>) {
    setParams(toSearch(next as Record<string, string>), { replace: false });
  }

  const title = data?.title ?? entry?.title ?? reportId;
  const views = data?.views ?? [];

  return (
    <Stack gap="md" className={classes.page}>
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
        <div>
          <Anchor component={Link} to="/reports" size="sm">
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
        </Group>
      </Group>

      {filterNames.length > 0 && (
        <FiltersBar
          filters={filterNames}
          query={query}
          applied={data?.filters}
          options={options.data}
          loading={options.isFetching}
          onChange={(name, value) => update(withFilter(query, name, value))}
          onReset={() => update(query.view ? { view: query.view } : {})}
        />
      )}

      {report.isError && (
        <Alert color="red" title={t("app.error")} role="alert">
          {(report.error as Error).message}{" "}
          <Button size="xs" variant="white" onClick={() => void report.refetch()}>
            {t("app.retry")}
          </Button>
        </Alert>
      )}

      {!data && report.isLoading && <Skeleton height={320} radius="md" />}

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
                  {data.count_label}
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
