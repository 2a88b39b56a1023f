import { test as base, type BrowserContext, type Page } from "@playwright/test";
import { baseUrl, logInContext, USERNAME, PASSWORD } from "./helpers";

interface WorkerFixtures {
  /** One signed-in browser context per worker: the login is reused by every test the worker runs. */
  signedIn: BrowserContext;
  /** A bearer token of the same user, for reading the figures the UI must show. */
  token: string;
}

interface TestFixtures {
  /** A fresh tab of the signed-in context, in Russian, at the catalogue («Отчёты»), as the user opens the app. */
  app: Page;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  signedIn: [
    async ({ browser }, use) => {
      const context = await browser.newContext({ baseURL: baseUrl(), locale: "ru-RU", acceptDownloads: true });
      await logInContext(context);
      await use(context);
      await context.close();
    },
    { scope: "worker" },
  ],
  token: [
    async ({ playwright }, use) => {
      const request = await playwright.request.newContext();
      const response = await request.post(`${baseUrl()}/api/v1/auth/login`, { data: { username: USERNAME, password: PASSWORD } });
      const body = (await response.json()) as { access_token: string };
      await use(body.access_token);
      await request.dispose();
    },
    { scope: "worker" },
  ],
  app: async ({ signedIn }, provide) => {
    const page = await signedIn.newPage();
    // Each tab starts in Russian (the language is kept in localStorage, shared by the worker's tabs).
    await page.addInitScript(() => {
      if (!sessionStorage.getItem("e2e-started")) {
        localStorage.removeItem("bilim.lang");
        sessionStorage.setItem("e2e-started", "1");
      }
    });
    await page.goto(`${baseUrl()}/reports`);
    await provide(page);
    await page.close();
  },
});

export { expect } from "@playwright/test";
