import { Alert, Button, Card, Group, Progress, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { formatBytes } from "../../../lib/files";
import { currentExport, downloadExportFile, exportStatus, startExport, type ExportJob } from "../api/dataExport";
import type { TreeOrganization } from "../api/tree";

/** Выгрузка данных: the whole data of a body's subtree as a data package (zip), its progress, then the download. */
export function DataExport({ organization, onClose }: { organization: TreeOrganization; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const [started, setStarted] = useState<ExportJob | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const status = useQuery({
    queryKey: ["export", started?.id],
    enabled: started !== null && saved === null,
    queryFn: () => exportStatus(started?.id ?? ""),
    refetchInterval: (query) => (query.state.data?.status === "running" || !query.state.data ? 1000 : false),
  });
  // A job started earlier (another tab, before a reload) is picked up again.
  useEffect(() => {
    let live = true;
    currentExport().then((j) => { if (live && j) setStarted((s) => s ?? j); }).catch(() => undefined);
    return () => { live = false; };
  }, []);
  const job = status.data ?? started;
  const number = (n: number) => n.toLocaleString(i18n.language);

  const start = async () => {
    setBusy(true); setError(null); setSaved(null);
    try { setStarted(await startExport(organization.id)); } catch (e) { setError((e as Error).message); } finally { setBusy(false); }
  };
  const download = async () => {
    if (!job) return;
    setBusy(true); setError(null);
    try { setSaved(await downloadExportFile(job)); } catch (e) { setError((e as Error).message); } finally { setBusy(false); }
  };
  const running = job?.status === "running";
  return (
    <Card withBorder component="section" aria-label={t("dataExport.title")}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h4">{t("dataExport.title")}</Title>
          <Button variant="subtle" size="xs" onClick={onClose}>{t("dataExport.close")}</Button>
        </Group>
        <Text size="sm">{t("dataExport.hint", { name: organization.name_ru })}</Text>
        {job && running && (
          <Stack gap={4}>
            <Progress value={job.tables_total ? (100 * job.tables_done) / job.tables_total : 0} animated
              aria-label={t("dataExport.title")} />
            <Text size="sm" role="status">
              {t("dataExport.running", { done: job.tables_done, total: job.tables_total, rows: number(job.rows) })}
            </Text>
          </Stack>
        )}
        {job?.status === "done" && !saved && (
          <Text size="sm" role="status">{t("dataExport.done", { rows: number(job.rows), size: formatBytes(job.size ?? 0) })}</Text>
        )}
        {job?.status === "failed" && <Alert color="red" role="alert">{t("dataExport.failed")}</Alert>}
        {saved && <Alert color="green" role="status">{t("dataExport.saved", { name: saved })}</Alert>}
        {status.isError && <Alert color="red" role="alert">{(status.error as Error).message}</Alert>}
        {error && <Alert color="red" role="alert">{error}</Alert>}
        <Group>
          {job?.status === "done" && !saved ? (
            <Button onClick={download} loading={busy}>{t("dataExport.download")}</Button>
          ) : (
            <Button onClick={start} loading={busy || running} variant={job ? "light" : "filled"}>{t("dataExport.start")}</Button>
          )}
        </Group>
      </Stack>
    </Card>
  );
}
