import { useDirectory, type DirectoryEntry } from "../../../api/directory";

/** The management bodies of the administrator's subtree (the directory's bodies below and at their own). */
export function useBodies(rootId: number | undefined): DirectoryEntry[] {
  const directory = useDirectory("");
  const bodies = directory.data?.bodies ?? [];
  if (rootId === undefined) return [];
  const inside = new Set<number>([rootId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const b of bodies) if (b.parent_id != null && inside.has(b.parent_id) && !inside.has(b.id)) { inside.add(b.id); grew = true; }
  }
  return bodies.filter((b) => inside.has(b.id));
}

/** The bodies of the subtree and the organizations below them that match `q` (for pickers that need schools too). */
export function useSubtreeOrganizations(rootId: number | undefined, q: string): DirectoryEntry[] {
  const bodies = useBodies(rootId);
  const search = useDirectory(q);
  const inside = new Set(bodies.map((b) => b.id));
  const found = (search.data?.items ?? []).filter((o) => !inside.has(o.id) && o.parent_id != null && inside.has(o.parent_id));
  return [...bodies, ...found];
}
