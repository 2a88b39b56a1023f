import { TypographyStylesProvider } from "@mantine/core";

/** HTML that the server has already sanitised with nh3 (allowlisted tags, http/https/mailto links only). */
export function RichText({ html }: { html: string }) {
  return (
    <TypographyStylesProvider>
      {/* The API returns only nh3-cleaned markup for rich text fields. */}
      <div dangerouslySetInnerHTML={{ __html: html }} />
    </TypographyStylesProvider>
  );
}
