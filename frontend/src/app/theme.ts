import { createTheme } from "@mantine/core";

/** Mantine theme: a deep green primary with AA contrast on white, system fonts with Cyrillic/Kazakh glyphs. */
export const theme = createTheme({
  primaryColor: "teal",
  primaryShade: 9,
  fontFamily: '"Inter", "Segoe UI", "PT Sans", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontFamily: '"Inter", "Segoe UI", "PT Sans", Roboto, Arial, sans-serif', fontWeight: "700" },
  defaultRadius: "md",
  colors: {
    teal: [
      "#e6f4ef",
      "#cce8de",
      "#99d1bd",
      "#66ba9c",
      "#33a37b",
      "#138a66",
      "#0f7a5a",
      "#0b6e4f",
      "#0b5d43",
      "#084a35",
    ],
  },
});
