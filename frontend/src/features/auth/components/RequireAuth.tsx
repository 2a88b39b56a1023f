import { Center, Loader, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Navigate, Outlet, useLocation } from "react-router";
import { useMe } from "../../../lib/auth/auth";
import { useAuth } from "../../../lib/auth/AuthProvider";

/** Shows its routes to a signed-in user; otherwise sends them to login with the way back in `next`. */
export function RequireAuth() {
  const { status } = useAuth();
  const location = useLocation();
  const me = useMe(status === "authenticated");
  const { t } = useTranslation();
  if (status === "restoring") {
    return (
      <Center h="60vh">
        <Stack align="center">
          <Loader aria-hidden />
          <Text>{t("auth.restoring")}</Text>
        </Stack>
      </Center>
    );
  }
  if (status === "anonymous") {
    const next = location.pathname + location.search;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  if (me.data?.must_change_password && location.pathname !== "/account/password") {
    return <Navigate to="/account/password" replace />;
  }
  return <Outlet />;
}
