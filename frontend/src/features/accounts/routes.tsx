import type { RouteObject } from "react-router";
import { AccountsPage } from "./components/AccountsPage";
import { BulkAccountsPage } from "./components/BulkAccountsPage";
import { PasswordPage } from "./components/PasswordPage";
import { TokensPage } from "./components/TokensPage";

/** Signed in: one's own password (/account/password) and, for administrators, the accounts (/accounts) and the integration tokens (/accounts/tokens). */
export const accountRoutes: RouteObject[] = [
  { path: "/account/password", element: <PasswordPage /> },
  { path: "/accounts", element: <AccountsPage /> },
  { path: "/accounts/bulk", element: <BulkAccountsPage /> },
  { path: "/accounts/tokens", element: <TokensPage /> },
];
