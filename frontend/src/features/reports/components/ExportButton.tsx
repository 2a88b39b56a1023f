import { Button, Group, Progress, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { errorText } from "../../../api/errors";
import { DownloadIcon } from "../../../components/icons";
import { formatBytes } from "../../../lib/files";
import { downloadExport, type ExportFormat, type ExportProgress } from "../api/exportFile";

/** Downloads the report's .xlsx (or .csv) with a progress bar; the page stays usable while it streams. */
export function ExportButton({ reportId, search }: { reportId: string; search: URLSearchParams }) {
  const { t, i18n } = useTranslation();
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const abort = useRef<AbortController | null>(null);

  async function run(format: ExportFormat) {
    abort.current = new AbortController();
    setProgress({ received: 0, total: null });
    try {
      const name = await downloadExport(reportId, search, setProgress, abort.current.signal, format, i18n.language);
      notifications.show({ color: "teal", message: t("report.exported", { name }) });
    } catch (e) {
      notifications.show({ color: "red", title: t("report.exportFailed"), message: errorText(e, t) });
    } finally {
      setProgress(null);
    }
  }

  const percent = progress?.total ? Math.min(100, (100 * progress.received) / progress.total) : null;
  return (
    <div>
      <Group gap={4} wrap="nowrap">
        <Button
          onClick={() => void run("xlsx")}
          loading={progress !== null}
          loaderProps={{ type: "dots" }}
          variant="light"
          leftSection={<DownloadIcon />}
        >
          {t("report.export")}
        </Button>
        <Button
          onClick={() => void run("csv")}
          disabled={progress !== null}
          variant="subtle"
          title={t("report.exportCsvTitle")}
          aria-label={t("report.exportCsvTitle")}
        >
          {t("report.exportCsv")}
        </Button>
      </Group>
      {progress !== null && (
        <div role="status" aria-live="polite" style={{ marginTop: 6, minWidth: 180 }}>
          <Progress value={percent ?? 100} animated={percent === null} size="sm" aria-label={t("report.exporting")} />
          <Text size="xs" c="dimmed">
            {t("report.exporting")} {progress.received > 0 && t("report.received", { size: formatBytes(progress.received) })}
          </Text>
        </div>
      )}
    </div>
  );
}
