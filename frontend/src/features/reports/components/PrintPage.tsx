import { Button, Group, Loader } from "@mantine/core";
import { useEffect, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router";
import type { Row } from "../api/model";
import { queryFromSearch, toSearch, useReport } from "../api/reports";
import { errorText } from "../../../api/errors";
import { formatNumbersIn } from "../../../lib/format";
import { formatStamp } from "./ReportPage";
import { ReportTable } from "./ReportTable";
import classes from "./PrintPage.module.css";

/** The print layout: title, view and filters, report date, the table only; the header repeats per page. */
export function PrintPage() {
  const { reportId = "" } = useParams();
  const [params] = useSearchParams();
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? "ru";
  const query = useMemo(() => queryFromSearch(params), [params]);
  const report = useReport(reportId, query, lang);
  const data = report.data;

  useEffect(() => {
    if (data) document.title = `${data.title} — ${t("report.printLayout")}`;
  }, [data, t]);

  if (!data) {
    return (
      <Group justify="center" p="xl">
        {report.isError ? <p role="alert">{errorText(report.error, t)}</p> : <Loader aria-label={t("app.loading")} />}
      </Group>
    );
  }
  const view = data.views?.find((v) => v.id === data.view);
  const filters = (data.filters ?? []) as { id: string; label: string; name: string }[];

  return (
    <div className={classes.sheet}>
      <Group className={classes.toolbar} justify="space-between">
        <Button component={Link} to={`/reports/${encodeURIComponent(reportId)}?${toSearch(query)}`} variant="subtle">
          ← {t("report.backToReport")}
        </Button>
        <Button onClick={() => window.print()}>{t("report.printNow")}</Button>
      </Group>
      <header className={classes.header}>
        <h1 className={classes.title}>{data.title}</h1>
        <dl className={classes.meta}>
          {view && (
            <div className={classes.pair}>
              <dt>{t("report.view")}</dt>
              <dd>{view.title}</dd>
            </div>
          )}
          {filters.map((f) => (
            <div key={f.id} className={classes.pair}>
              <dt>{f.label}</dt>
              <dd>{f.name}</dd>
            </div>
          ))}
          {filters.length === 0 && (
            <div className={classes.pair}>
              <dt>{t("report.appliedFilters")}</dt>
              <dd>{t("report.none")}</dd>
            </div>
          )}
          <div className={classes.pair}>
            <dt>{t("report.dataAsOf", { date: "" }).trim()}</dt>
            <dd>{formatStamp(data.data_as_of, lang, data.time_zone)}</dd>
          </div>
        </dl>
        {data.count_label && <p className={classes.count}>{formatNumbersIn(data.count_label, lang)}</p>}
      </header>
      <ReportTable
        columns={data.columns}
        rows={data.rows as Row[]}
        totals={data.totals as Row | null}
        noData={data.no_data ?? t("report.noData")}
        notTaught={data.not_taught}
        notTaughtLegend={data.not_taught_legend}
        print
      />
    </div>
  );
}
