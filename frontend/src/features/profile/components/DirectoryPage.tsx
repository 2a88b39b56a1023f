import { Anchor, Badge, Button, Card, Center, Group, Loader, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { Navigate, Link, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { useMe } from "../../../lib/auth/auth";
import { useAuth } from "../../../lib/auth/AuthProvider";
import { useDirectory, type DirectoryEntry } from "../../../api/directory";
import { orgName } from "../api/profile";

function Entry({ org }: { org: DirectoryEntry }) {
  const { i18n } = useTranslation("profile");
  return (
    <Group gap="xs" wrap="nowrap">
      <Anchor component={Link} to={org.profile_url}>{orgName(org, i18n.resolvedLanguage)}</Anchor>
      {org.type_name_ru && <Badge variant="light" size="sm">{org.type_name_ru}</Badge>}
      {org.district_name_ru && <Text size="xs" c="dimmed">{org.district_name_ru}</Text>}
    </Group>
  );
}

/** The public directory (/o, and / for anonymous visitors): the bodies of the tree and a search over organizations. */
export function DirectoryPage() {
  const { t } = useTranslation("profile");
  const { status } = useAuth();
  const [params, setParams] = useSearchParams();
  const search = params.get("q") ?? "";
  const [q] = useDebouncedValue(search.trim(), 300);
  const directory = useDirectory(q);
  const depth = (o: DirectoryEntry) => (o.kind === "ministry" ? 0 : o.kind === "regional_body" ? 1 : 2);
  return (
    <Stack gap="lg" p={{ base: "sm", sm: "lg" }} maw={1400} mx="auto">
      <div>
        <Title order={1}>{t("directory.title")}</Title>
        <Text c="dimmed" maw={760}>{t("directory.lead")}</Text>
        {status === "anonymous" && <Button component={Link} to="/login" variant="light" size="xs" mt="sm">{t("directory.signIn")}</Button>}
      </div>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Card withBorder component="section" aria-labelledby="bodies">
          <Title order={2} size="h4" id="bodies" mb="xs">{t("directory.bodies")}</Title>
          <Stack gap={6}>
            {directory.data?.bodies.map((o) => <div key={o.id} style={{ paddingLeft: depth(o) * 20 }}><Entry org={o} /></div>)}
          </Stack>
        </Card>
        <Card withBorder component="section" aria-labelledby="search">
          <Title order={2} size="h4" id="search" mb="xs">{t("directory.search")}</Title>
          <TextInput type="search" label={t("directory.searchHint")} value={search}
            onChange={(e) => setParams(e.currentTarget.value ? { q: e.currentTarget.value } : {}, { replace: true })} />
          {q && directory.data && (
            <Stack gap={6} mt="sm" aria-live="polite">
              <Text size="sm" c="dimmed">{directory.data.total > 0 ? t("directory.found", { count: directory.data.total }) : t("directory.nothing")}</Text>
              {directory.data.items.map((o) => <Entry key={o.id} org={o} />)}
            </Stack>
          )}
        </Card>
      </SimpleGrid>
    </Stack>
  );
}

/** `/`: the public start page for anonymous visitors, the reports for signed-in users. */
export function HomeRoute() {
  const { status } = useAuth();
  if (status === "restoring") return <Center h="40vh"><Loader aria-hidden /></Center>;
  if (status === "authenticated") return <Navigate to="/reports" replace />;
  return <DirectoryPage />;
}

/**
 * `/o/my`: the signed-in user's own organization. The menu links here while the session is being restored and
 * until «me» has loaded, so a click made before that still lands on the user's organization, not on the directory.
 */
export function MyOrganizationRoute() {
  const { status } = useAuth();
  const me = useMe(status === "authenticated");
  if (status === "anonymous" || me.isError) return <Navigate to="/o" replace />;
  if (me.data) return <Navigate to={`/o/${me.data.organization.id}`} replace />;
  return <Center h="40vh"><Loader aria-hidden /></Center>;
}
