import { Alert, Button, Card, PasswordInput, Stack, Text, Title } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useMe } from "../../../lib/auth/auth";
import { useAuth } from "../../../lib/auth/AuthProvider";
import { accountsApi } from "../api/accounts";

/** Change one's own password (the current one is required); a one-time password must be changed here first. */
export function PasswordPage() {
  const { t } = useTranslation();
  const { status } = useAuth();
  const me = useMe(status === "authenticated");
  const client = useQueryClient();
  const navigate = useNavigate();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [pending, setPending] = useState(false);
  const forced = Boolean(me.data?.must_change_password);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    if (next !== repeat) return setError(t("account.mismatch"));
    if (next.length < 8) return setError(t("account.tooShort"));
    setPending(true);
    try {
      await accountsApi.changeOwnPassword(current, next);
      await client.invalidateQueries({ queryKey: ["auth", "me"] });
      setDone(true);
      setCurrent("");
      setNext("");
      setRepeat("");
      if (forced) navigate("/", { replace: true });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setPending(false);
    }
  }

  return (
    <Stack p={{ base: "sm", sm: "lg" }} maw={560} mx="auto">
      <Title order={1} size="h2">{t("account.passwordTitle")}</Title>
      {forced && <Alert color="orange" role="alert">{t("account.mustChange")}</Alert>}
      <Card withBorder component="form" onSubmit={submit} aria-label={t("account.passwordTitle")}>
        <Stack gap="sm">
          <Text size="sm" c="dimmed">{me.data?.username}</Text>
          <PasswordInput label={t("account.current")} value={current} onChange={(e) => setCurrent(e.currentTarget.value)} required autoComplete="current-password" />
          <PasswordInput label={t("account.new")} value={next} onChange={(e) => setNext(e.currentTarget.value)} required autoComplete="new-password" description={t("account.newHint")} />
          <PasswordInput label={t("account.repeat")} value={repeat} onChange={(e) => setRepeat(e.currentTarget.value)} required autoComplete="new-password" />
          {error && <Alert color="red" role="alert">{error}</Alert>}
          {done && <Alert color="green" role="status">{t("account.changed")}</Alert>}
          <Button type="submit" loading={pending}>{t("account.change")}</Button>
        </Stack>
      </Card>
    </Stack>
  );
}
