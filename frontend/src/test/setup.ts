import "@testing-library/jest-dom/vitest";

// jsdom lacks the layout APIs Mantine asks for.
if (!window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
}
if (!("ResizeObserver" in window)) {
  (window as unknown as { ResizeObserver: unknown }).ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}

// Unmount what each test rendered (automatic only with vitest globals).
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";
afterEach(cleanup);
