import { Alert, Anchor, Group, Skeleton, Stack, Tabs, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link, Outlet, useLocation, useNavigate, useParams } from "react-router";
import { useAuth } from "../../../lib/auth/AuthProvider";
import { orgName, useProfile } from "../api/profile";

const TABS = ["profile", "structure", "people", "documents", "forum", "feedback"] as const;
type Tab = (typeof TABS)[number];

/** The organization id from the route (/o/:organizationId/…). */
export function useOrganizationId(): number {
  const { organizationId } = useParams();
  return Number(organizationId);
}

function currentTab(pathname: string): Tab {
  const part = pathname.split("/")[3] ?? "";
  if (part === "pages" || part === "news" || part === "") return "profile";
  if (part === "leaders") return "structure";
  if (part === "topics") return "forum";
  return (TABS as readonly string[]).includes(part) ? (part as Tab) : "profile";
}

/** An organization's public site: its name and the tabs of the manual; «Люди» only for employees of its body. */
export function OrganizationSite() {
  const { t, i18n } = useTranslation("profile");
  const { t: tApp } = useTranslation();
  const { status } = useAuth();
  const id = useOrganizationId();
  const profile = useProfile(id);
  const location = useLocation();
  const navigate = useNavigate();
  const tab = currentTab(location.pathname);
  // «Люди» is shown to everyone: to those who may not open it, it says what it is and who may.
  const visible = TABS;

  if (profile.isError) {
    return (
      <Stack p={{ base: "sm", sm: "lg" }} maw={1400} mx="auto">
        <Alert color="red" role="alert" title={t("site.notFound")}>
          {(profile.error as Error).message}
        </Alert>
      </Stack>
    );
  }
  const org = profile.data?.organization;
  return (
    <Stack gap="md" p={{ base: "sm", sm: "lg" }} maw={1400} mx="auto">
      {org ? (
        <div>
          <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
            <Title order={1}>{orgName(org, i18n.resolvedLanguage)}</Title>
            {org.kind === "school" && status === "authenticated" && (
              <Anchor component={Link} to={`/reports?organization_id=${org.id}`} fw={600} data-testid="school-reports-link">
                {tApp("catalogue.schoolReports")} →
              </Anchor>
            )}
          </Group>
          {profile.data?.parent && (
            <Text size="sm" c="dimmed">
              {t("site.parent")}:{" "}
              <Anchor component={Link} to={`/o/${profile.data.parent.id}`}>
                {orgName(profile.data.parent, i18n.resolvedLanguage)}
              </Anchor>
            </Text>
          )}
        </div>
      ) : (
        <Skeleton height={40} width="60%" />
      )}
      {/* The tabs appear with the organization's name, not before: a long name wraps onto several lines on a
          phone, and tabs drawn under a one-line placeholder would jump down under the user's finger. */}
      {org ? (
        <Tabs value={tab} onChange={(value) => value && navigate(value === "profile" ? `/o/${id}` : `/o/${id}/${value}`)}>
          <Tabs.List aria-label={t("site.tabs")}>
            {visible.map((name) => (
              <Tabs.Tab key={name} value={name}>
                {t(`tabs.${name}`)}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          {/* One panel per tab (the tabs' aria-controls point at them); the route's page fills the active one. */}
          {visible.map((name) => (
            <Tabs.Panel key={name} value={name} keepMounted pt="md">
              {name === tab && (
                <Group align="flex-start" wrap="nowrap">
                  <div style={{ flex: 1, minWidth: 0 }}>
                    <Outlet />
                  </div>
                </Group>
              )}
            </Tabs.Panel>
          ))}
        </Tabs>
      ) : (
        <Skeleton height={36} />
      )}
    </Stack>
  );
}
