import { Alert, Box, Button, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { ApiError } from "../../../api/client";
import { LanguageSwitch } from "../../../components/LanguageSwitch";
import { useAuth } from "../../../lib/auth/AuthProvider";
import classes from "./LoginPage.module.css";

/** Only same-origin paths are accepted as the way back after login (no open redirect). */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/login")) return "/reports";
  return next;
}

/** The sign-in page; after login it returns the user to `?next=`. */
export function LoginPage() {
  const { t } = useTranslation();
  const { status, expired, login } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get("next"));

  if (status === "authenticated" && !busy) return <Navigate to={next} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await login(username.trim(), password);
      navigate(next, { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.status === 429) {
        setError(t("auth.throttled", { seconds: 60 }));
      } else {
        setError(t("auth.failed"));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className={classes.page}>
      <aside className={classes.brand}>
        <div className={classes.logo} aria-hidden>
          B
        </div>
        <Title order={1} className={classes.brandTitle}>
          Bilim OUO
        </Title>
        <Text className={classes.brandText}>{t("app.tagline")}</Text>
        <ul className={classes.points}>
          <li>{t("menu.organization")}</li>
          <li>{t("menu.reports")}</li>
          <li>{t("menu.inform")}</li>
        </ul>
      </aside>
      <main className={classes.main} id="main">
        <Box className={classes.lang}>
          <LanguageSwitch />
        </Box>
        <Paper component="form" onSubmit={submit} className={classes.form} withBorder radius="md" p="xl" noValidate>
          <Stack gap="md">
            <div>
              <Title order={2}>{t("auth.title")}</Title>
              <Text c="dimmed" size="sm">
                {t("auth.subtitle")}
              </Text>
            </div>
            {expired && (
              <Alert color="yellow" role="status">
                {t("auth.expired")}
              </Alert>
            )}
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            <TextInput
              label={t("auth.username")}
              name="username"
              autoComplete="username"
              required
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
              data-autofocus
              autoFocus
            />
            <PasswordInput
              label={t("auth.password")}
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <Button type="submit" loading={busy} size="md">
              {t("auth.submit")}
            </Button>
          </Stack>
        </Paper>
      </main>
    </div>
  );
}
