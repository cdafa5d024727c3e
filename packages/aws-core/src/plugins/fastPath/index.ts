/**
 * The fast path plug-in (Node): a cache hit for exactly repeated inputs is
 * found by value in a few tens of nanoseconds, without validating, keying or
 * copying again (`fastPath.ts`). Without it every call takes the kernel's
 * full path, a few microseconds: nothing a browser notices.
 *
 * @module
 */
import type { FastPathIndex } from '../../kernel/setup.js';
import { FastPath } from './fastPath.js';

/** A fast path for one factory. */
export function fastPath(): FastPathIndex {
  return new FastPath();
}
