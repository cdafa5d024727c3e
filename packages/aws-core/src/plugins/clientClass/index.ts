/**
 * Any SDK v3 client class as a service: `getClient(SQSClient, …)` and
 * `clearCache({ service: SQSClient })` (`clientClass.ts`).
 *
 * @module
 */
import type { ClientClasses } from '../../kernel/setup.js';
import { classDefinition, looksLikeClientClass, peekClassDefinition } from './clientClass.js';

/** The client class plug-in. */
export const clientClasses: ClientClasses = {
  definition: classDefinition,
  peek: peekClassDefinition,
  looksLike: looksLikeClientClass,
};
