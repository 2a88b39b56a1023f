import { Alert } from "@mantine/core";

/** The error of a mutation as an alert. */
export function MutationError({ error }: { error: unknown }) {
  if (!error) return null;
  return <Alert color="red" role="alert">{(error as Error).message}</Alert>;
}
