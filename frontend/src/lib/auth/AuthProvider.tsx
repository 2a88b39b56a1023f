import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { getAccessToken, onSession, refreshSession } from "../../api/session";
import { login as apiLogin, logout as apiLogout } from "./auth";

export type AuthStatus = "restoring" | "anonymous" | "authenticated";

interface AuthState {
  status: AuthStatus;
  /** Set when the last session ended by expiry (not by logout): the login page says so. */
  expired: boolean;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

/** Holds the session state; on start tries the refresh cookie so a reload keeps the user signed in. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<AuthStatus>(getAccessToken() ? "authenticated" : "restoring");
  const [expired, setExpired] = useState(false);

  useEffect(() => {
    let active = true;
    if (status === "restoring") {
      void refreshSession().then((ok) => {
        if (active) setStatus(ok ? "authenticated" : "anonymous");
      });
    }
    const unsubscribe = onSession((event) => {
      if (event === "expired") {
        queryClient.clear();
        setExpired(true);
        setStatus("anonymous");
      } else {
        setStatus(getAccessToken() ? "authenticated" : "anonymous");
      }
    });
    return () => {
      active = false;
      unsubscribe();
    };
    // Runs once: the listener keeps the state in sync afterwards.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    await apiLogin(username, password);
    setExpired(false);
  }, []);

  const logout = useCallback(async () => {
    setExpired(false);
    await apiLogout();
    queryClient.clear();
  }, [queryClient]);

  const value = useMemo(() => ({ status, expired, login, logout }), [status, expired, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** The session state and the login/logout actions. */
export function useAuth(): AuthState {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth outside AuthProvider");
  return value;
}
