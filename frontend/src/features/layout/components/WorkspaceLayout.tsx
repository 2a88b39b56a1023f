import { AppShell, Burger, Button, Group, Menu, Stack, Text, UnstyledButton } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet, useNavigate } from "react-router";
import type { components } from "../../../api/schema";
import { useAuth } from "../../../lib/auth/AuthProvider";
import { useMe } from "../../../lib/auth/auth";
import { LanguageSwitch } from "../../../components/LanguageSwitch";
import classes from "./WorkspaceLayout.module.css";

type Me = components["schemas"]["MeResponse"];

/** The signed-in user's display name and organization (Kazakh name when the UI is in Kazakh). */
export function describeMe(me: Me | undefined, lang: string): { name: string; organization: string; organizationId?: number } {
  if (!me) return { name: "", organization: "" };
  const org = me.organization;
  return {
    name: me.person?.full_name || me.username,
    organization: (lang === "kk" && org.name_kk) || org.short_name || org.name_ru,
    organizationId: org.id,
  };
}

/** The app chrome: top menu (Организация, Отчёты, Информирование), language, account; the page below. */
export function WorkspaceLayout() {
  const { t, i18n } = useTranslation();
  const { status, logout } = useAuth();
  const navigate = useNavigate();
  const [opened, { toggle, close }] = useDisclosure(false);
  const me = useMe(status === "authenticated");
  const who = describeMe(me.data, i18n.resolvedLanguage ?? "ru");

  const links = [
    { to: who.organizationId ? `/o/${who.organizationId}` : status === "anonymous" ? "/o" : "/o/my", label: t("menu.organization") },
    { to: "/reports", label: t("menu.reports") },
    { to: "/inform", label: t("menu.inform") },
  ];

  async function signOut() {
    await logout();
    navigate("/login", { replace: true });
  }

  const nav = links.map((link) => (
    <NavLink key={link.to} to={link.to} className={classes.link} onClick={close}>
      {link.label}
    </NavLink>
  ));

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 260, breakpoint: "sm", collapsed: { desktop: true, mobile: !opened } }}>
      <a href="#main" className={classes.skip}>
        {t("app.skip")}
      </a>
      <AppShell.Header className={classes.header}>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="lg" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" color="white" aria-label={t("menu.openMenu")} />
            <UnstyledButton component={NavLink} to="/reports" className={classes.brand}>
              <span className={classes.logo} aria-hidden>
                B
              </span>
              <span>Bilim OUO</span>
            </UnstyledButton>
            <nav aria-label={t("menu.main")} className={classes.nav}>
              {nav}
            </nav>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <div className={classes.lang}>
              <LanguageSwitch />
            </div>
            {status === "authenticated" ? (
              <Menu position="bottom-end" withinPortal>
                <Menu.Target>
                  <UnstyledButton className={classes.account} aria-label={t("menu.account")}>
                    <Stack gap={0} align="flex-end">
                      <Text size="sm" fw={600} c="white" lineClamp={1}>
                        {who.name || t("menu.account")}
                      </Text>
                      {who.organization && (
                        <Text size="xs" c="rgba(255,255,255,0.85)" lineClamp={1} maw={260}>
                          {who.organization}
                        </Text>
                      )}
                    </Stack>
                  </UnstyledButton>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Item component={NavLink} to="/account/password">{t("menu.password")}</Menu.Item>
                  {me.data?.role === "admin" && <Menu.Item component={NavLink} to="/accounts">{t("menu.accounts")}</Menu.Item>}
                  {me.data?.role === "admin" && <Menu.Item component={NavLink} to="/accounts/tokens">{t("menu.tokens")}</Menu.Item>}
                  {me.data?.role === "admin" && <Menu.Item component={NavLink} to="/tree">{t("menu.tree")}</Menu.Item>}
                  <Menu.Item onClick={() => void signOut()}>{t("menu.logout")}</Menu.Item>
                </Menu.Dropdown>
              </Menu>
            ) : (
              <Button component={NavLink} to="/login" variant="white" size="xs">
                {t("auth.submit")}
              </Button>
            )}
          </Group>
        </Group>
      </AppShell.Header>
      {opened && (
        <AppShell.Navbar p="md" aria-label={t("menu.main")}>
          <Stack gap="xs" className={classes.mobileNav}>
            {nav}
            <LanguageSwitch />
          </Stack>
        </AppShell.Navbar>
      )}
      <AppShell.Main id="main" className={classes.main}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
