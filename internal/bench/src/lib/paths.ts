import { fileURLToPath } from 'node:url';

/** internal/bench/dist (where run.js and the child entries are). */
export const DIST_DIR: string = fileURLToPath(new URL('.', import.meta.url));
/** internal/bench */
export const BENCH_DIR: string = fileURLToPath(new URL('..', import.meta.url));
/** The repository root. */
export const ROOT_DIR: string = fileURLToPath(new URL('../../..', import.meta.url));
