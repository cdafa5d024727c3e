/**
 * Node: a web identity token file is read at every resolution, so a token
 * the platform rotates (EKS/IRSA rewrites it well before it expires) is
 * picked up at the next refresh.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';

/** Reads the token in `path` (trimmed) each time it is called. */
export function tokenFileReader(path: string): () => Promise<string> {
  return async () => (await readFile(path, 'utf8')).trim();
}
