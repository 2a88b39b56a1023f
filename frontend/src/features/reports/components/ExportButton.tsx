import { Button, Progress, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { errorText } from "../../../api/errors";
import { DownloadIcon } from "../../../app/icons";
import { downloadExport, formatBytes, type ExportProgress } from "../api/exportFile";

/** Downloads the report's .xlsx with a progress bar; the page stays usable while it streams. */
export function ExportButton({ reportId, search }: { reportId: string; search: URLSearchParams }) {
  const { t } = useTranslation();
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const abort = useRef<AbortController | null>(null);

  async function run() {
    abort.current = new AbortController();
    setProgress({ received: 0, total: null });
    try {
      const name = await downloadExport(reportId, search, setProgress, abort.current.signal);
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
      <Button
        onClick={() => void run()}
        loading={progress !== null}
        loaderProps={{ type: "dots" }}
        variant="light"
        leftSection={<DownloadIcon />}
      >
        {t("report.export")}
      </Button>
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
