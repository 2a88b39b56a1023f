import { Alert, Anchor, Badge, Breadcrumbs, Button, Card, FileInput, Group, NavLink, Paper, Select, Stack, Table, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import { editApi } from "../api/edit";
import { fileSize, profileApi, useDocuments, useSiteMutation, type DocumentsRead, type FileRead } from "../api/profile";
import { DeleteButton } from "../../../components/DeleteButton";
import { MutationError } from "../../../components/MutationError";
import { useOrganizationId } from "./OrganizationSite";

/** Rename a document or move it to the root, a folder of the path or a subfolder of the open one. */
function FileEditor({ organizationId, file, data, onDone }: { organizationId: number; file: FileRead; data: DocumentsRead; onDone: () => void }) {
  const { t } = useTranslation("profile");
  const [name, setName] = useState(file.name);
  const [folder, setFolder] = useState<string>(file.folder_id ? String(file.folder_id) : "root");
  const targets = [{ value: "root", label: t("documents.root") }, ...[...data.path, ...data.folders].map((f) => ({ value: String(f.id), label: f.name }))];
  const save = useSiteMutation(organizationId, () => editApi.updateFile(file.id, { name, folder_id: folder === "root" ? null : Number(folder) }));
  return (
    <Group align="flex-end" component="form" aria-label={t("edit.rename")} onSubmit={(e: React.FormEvent) => { e.preventDefault(); save.mutate(undefined, { onSuccess: onDone }); }}>
      <TextInput label={t("edit.name")} value={name} onChange={(e) => setName(e.currentTarget.value)} required />
      <Select label={t("edit.move")} data={targets} value={folder} onChange={(v) => v && setFolder(v)} allowDeselect={false} />
      <Button type="submit" size="xs" loading={save.isPending}>{t("edit.save")}</Button>
      <Button size="xs" variant="default" onClick={onDone}>{t("edit.cancel")}</Button>
      <MutationError error={save.error} />
    </Group>
  );
}

/** Rename or delete the open folder. */
function FolderTools({ organizationId, data }: { organizationId: number; data: DocumentsRead }) {
  const { t } = useTranslation("profile");
  const navigate = useNavigate();
  const folder = data.folder!;
  const [name, setName] = useState(folder.name);
  const [renaming, setRenaming] = useState(false);
  const rename = useSiteMutation(organizationId, () => editApi.renameFolder(folder.id, name, folder.parent_id));
  const remove = useSiteMutation(organizationId, () => editApi.deleteFolder(folder.id));
  const up = folder.parent_id ? `/o/${organizationId}/documents?folder=${folder.parent_id}` : `/o/${organizationId}/documents`;
  return (
    <Group gap="xs" align="flex-end">
      {renaming ? (
        <>
          <TextInput size="xs" label={t("edit.name")} value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <Button size="xs" loading={rename.isPending} onClick={() => rename.mutate(undefined, { onSuccess: () => setRenaming(false) })}>{t("edit.save")}</Button>
        </>
      ) : (
        <Button size="xs" variant="light" onClick={() => setRenaming(true)}>{t("edit.rename")}</Button>
      )}
      <DeleteButton label={`${t("edit.delete")}: ${folder.name}`} onConfirm={() => remove.mutate(undefined, { onSuccess: () => navigate(up) })} />
      <MutationError error={rename.error ?? remove.error} />
    </Group>
  );
}

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
  // The file being renamed, with the folder it was opened in: after a move the editor does not follow the file.
  const [editing, setEditing] = useState<{ file: number; folder: number | null } | null>(null);
  const editingFile = editing && editing.folder === folderId ? editing.file : null;
  const setEditingFile = (file: number | null) => setEditing(file === null ? null : { file, folder: folderId });
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
        {data.can_edit && data.folder && <FolderTools key={data.folder.id} organizationId={id} data={data} />}
        {data.files.length === 0 ? <Text c="dimmed">{t("documents.empty")}</Text> : (
          <Table striped withTableBorder>
            <Table.Tbody>
              {data.files.map((f) => editingFile === f.id ? (
                <Table.Tr key={f.id}><Table.Td colSpan={4}><FileEditor organizationId={id} file={f} data={data} onDone={() => setEditingFile(null)} /></Table.Td></Table.Tr>
              ) : (
                <Table.Tr key={f.id}>
                  <Table.Td><Anchor href={f.url} download={f.name}>{f.name}</Anchor></Table.Td>
                  <Table.Td><Badge variant="light" size="sm">{fileSize(f.size_bytes)}</Badge></Table.Td>
                  <Table.Td><Text size="xs" c="dimmed">{dateFmt.format(new Date(f.created_at))}</Text></Table.Td>
                  {data.can_edit && (
                    <Table.Td>
                      <Group gap={2} wrap="nowrap">
                        <Button size="xs" variant="subtle" aria-label={`${t("edit.rename")}: ${f.name}`} onClick={() => setEditingFile(f.id)}>{t("edit.rename")}</Button>
                        <DeleteFile organizationId={id} fileId={f.id} name={f.name} />
                      </Group>
                    </Table.Td>
                  )}
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

function DeleteFile({ organizationId, fileId, name }: { organizationId: number; fileId: number; name: string }) {
  const { t } = useTranslation("profile");
  const remove = useSiteMutation(organizationId, () => profileApi.deleteFile(fileId));
  return <DeleteButton label={`${t("edit.delete")}: ${name}`} onConfirm={() => remove.mutate(undefined)} loading={remove.isPending} />;
}
