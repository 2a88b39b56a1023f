import { Alert, Badge, Button, Card, FileInput, Group, Stack, Table, Text, Title } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { errorText } from "../../../api/errors";
import { registryImport, type ImportPreview } from "../api/tree";

function shown(value: unknown): string {
  return value === null || value === undefined || value === "" ? "—" : String(value);
}

/** Импорт реестра: choose an .xlsx/.csv of the registry's columns, see the preview, confirm (all or nothing). */
export function RegistryImport({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [result, setResult] = useState<ImportPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const check = async (f: File | null) => {
    setFile(f); setPreview(null); setResult(null); setError(null);
    if (!f) return;
    setBusy(true);
    try { setPreview(await registryImport(f, null)); } catch (e) { setError(errorText(e, t)); } finally { setBusy(false); }
  };
  const confirm = async () => {
    if (!file || !preview) return;
    setBusy(true); setError(null);
    try {
      const done = await registryImport(file, preview.file_hash);
      setResult(done); setPreview(null); setFile(null);
      await client.invalidateQueries({ queryKey: ["tree"] });
    } catch (e) { setError(errorText(e, t)); } finally { setBusy(false); }
  };
  const field = (name: string) => t(`registryImport.fields.${name}`, { defaultValue: name });
  return (
    <Card withBorder aria-label={t("registryImport.title")} component="section">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h4">{t("registryImport.title")}</Title>
          <Button variant="subtle" size="xs" onClick={onClose}>{t("registryImport.close")}</Button>
        </Group>
        <Text size="sm" c="dimmed">{t("registryImport.hint")}</Text>
        <FileInput label={t("registryImport.file")} accept=".xlsx,.csv" value={file} onChange={(f) => void check(f)} clearable />
        {busy && <Text size="sm">{t("registryImport.checking")}</Text>}
        {error && <Alert color="red" role="alert">{error}</Alert>}
        {result && (
          <Alert color="green" role="status">
            {t("registryImport.done", { created: result.creates.length, changed: result.changes.length })}
          </Alert>
        )}
        {preview && (
          <Stack gap="sm">
            <Group gap="xs">
              <Badge color="green" variant="light">{t("registryImport.creates", { n: preview.creates.length })}</Badge>
              <Badge color="blue" variant="light">{t("registryImport.changes", { n: preview.changes.length })}</Badge>
              <Badge color="gray" variant="light">{t("registryImport.unchanged", { n: preview.unchanged })}</Badge>
              <Badge color={preview.problems.length ? "red" : "gray"} variant="light">
                {t("registryImport.problemsCount", { n: preview.problems.length })}
              </Badge>
            </Group>
            {preview.problems.length > 0 && (
              <Table withTableBorder aria-label={t("registryImport.problems")}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t("registryImport.row")}</Table.Th><Table.Th>{t("registryImport.column")}</Table.Th>
                    <Table.Th>{t("registryImport.message")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {preview.problems.map((p, i) => (
                    <Table.Tr key={i}>
                      <Table.Td>{p.row}</Table.Td><Table.Td>{p.column}</Table.Td>
                      <Table.Td>{t(`registryImport.codes.${p.code}`, { defaultValue: p.message })}{p.value ? `: «${p.value}»` : ""}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            {(preview.creates.length > 0 || preview.changes.length > 0) && (
              <Table withTableBorder striped aria-label={t("registryImport.plan")}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t("registryImport.row")}</Table.Th><Table.Th>{t("registryImport.name")}</Table.Th>
                    <Table.Th>{t("registryImport.what")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {preview.creates.map((c) => (
                    <Table.Tr key={`c${c.row}`}>
                      <Table.Td>{c.row}</Table.Td><Table.Td>{c.name}</Table.Td>
                      <Table.Td>{t("registryImport.new", { parent: c.parent })}</Table.Td>
                    </Table.Tr>
                  ))}
                  {preview.changes.map((c) => (
                    <Table.Tr key={`u${c.row}`}>
                      <Table.Td>{c.row}</Table.Td><Table.Td>{c.name}</Table.Td>
                      <Table.Td>
                        {c.fields.map((d) => (
                          <Text size="xs" key={d.field}>{field(d.field)}: {shown(d.old)} → {shown(d.new)}</Text>
                        ))}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            <Group>
              <Button onClick={() => void confirm()} loading={busy}
                disabled={preview.problems.length > 0 || (preview.creates.length === 0 && preview.changes.length === 0)}>
                {t("registryImport.confirm")}
              </Button>
              {preview.problems.length > 0 && <Text size="sm" c="red">{t("registryImport.fixFirst")}</Text>}
            </Group>
          </Stack>
        )}
      </Stack>
    </Card>
  );
}
