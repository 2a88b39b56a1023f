import { Alert, Anchor, Badge, Breadcrumbs, Button, Card, FileInput, Group, NavLink, Paper, Stack, Table, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { fileSize, profileApi, useDocuments, useSiteMutation } from "../api/profile";
import { useOrganizationId } from "./OrganizationSite";

/** Вкладка «Документы»: folders on the left, files with downloads; administrators upload and create folders. */
export function DocumentsTab() {
  const { t, i18n } = useTranslation("profile");
  const id = useOrganizationId();
  const [params] = useSearchParams();
  const folderId = params.get("folder") ? Number(params.get("folder")) : null;
  const docs = useDocuments(id, folderId);
  const [file, setFile] = useState<File | null>(null);
  const [folderName, setFolderName] = useState("");
  const upload = useSiteMutation(id, (f: File) => profileApi.uploadDocument(id, f, folderId));
  const mkdir = useSiteMutation(id, (name: string) => profileApi.createFolder(id, name, folderId));
  const data = docs.data;
  if (docs.isError) return <Alert color="red" role="alert">{(docs.error as Error).message}</Alert>;
  if (!data) return null;
  const dateFmt = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: "medium" });
  return (
    <Group align="flex-start" wrap="nowrap" gap="lg">
      <Paper withBorder p="xs" w={240} component="nav" aria-label={t("documents.folders")}>
        <NavLink component={Link} to={`/o/${id}/documents`} label={t("documents.root")} active={folderId === null} />
        {data.folders.map((f) => (
          <NavLink key={f.id} component={Link} to={`/o/${id}/documents?folder=${f.id}`} label={f.name} />
        ))}
      </Paper>
      <Stack style={{ flex: 1 }} gap="sm">
        <Breadcrumbs>
          <Anchor component={Link} to={`/o/${id}/documents`}>{t("documents.root")}</Anchor>
          {data.path.map((f) => <Anchor key={f.id} component={Link} to={`/o/${id}/documents?folder=${f.id}`}>{f.name}</Anchor>)}
        </Breadcrumbs>
        {data.files.length === 0 ? <Text c="dimmed">{t("documents.empty")}</Text> : (
          <Table striped withTableBorder>
            <Table.Tbody>
              {data.files.map((f) => (
                <Table.Tr key={f.id}>
                  <Table.Td><Anchor href={f.url} download={f.name}>{f.name}</Anchor></Table.Td>
                  <Table.Td><Badge variant="light" size="sm">{fileSize(f.size_bytes)}</Badge></Table.Td>
                  <Table.Td><Text size="xs" c="dimmed">{dateFmt.format(new Date(f.created_at))}</Text></Table.Td>
                  {data.can_edit && <Table.Td><DeleteFile organizationId={id} fileId={f.id} /></Table.Td>}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {data.can_edit && (
          <Card withBorder>
            <Stack gap="xs">
              <Group align="flex-end">
                <FileInput label={t("documents.chooseFile")} value={file} onChange={setFile} w={320} clearable />
                <Button disabled={!file} loading={upload.isPending} onClick={() => file && upload.mutate(file, { onSuccess: () => setFile(null) })}>
                  {t("documents.upload")}
                </Button>
              </Group>
              {upload.isSuccess && <Text size="sm" c="green.8">{t("documents.uploaded")}</Text>}
              {upload.isError && <Alert color="red" role="alert">{(upload.error as Error).message}</Alert>}
              <Group align="flex-end">
                <TextInput label={t("documents.newFolder")} value={folderName} onChange={(e) => setFolderName(e.currentTarget.value)} w={320} />
                <Button variant="default" disabled={!folderName.trim()} onClick={() => mkdir.mutate(folderName, { onSuccess: () => setFolderName("") })}>
                  {t("documents.create")}
                </Button>
              </Group>
              {mkdir.isError && <Alert color="red" role="alert">{(mkdir.error as Error).message}</Alert>}
            </Stack>
          </Card>
        )}
      </Stack>
    </Group>
  );
}

function DeleteFile({ organizationId, fileId }: { organizationId: number; fileId: number }) {
  const { t } = useTranslation("profile");
  const remove = useSiteMutation(organizationId, () => profileApi.deleteFile(fileId));
  return <Button size="xs" variant="subtle" color="red" onClick={() => remove.mutate(undefined)}>{t("profile.delete")}</Button>;
}
