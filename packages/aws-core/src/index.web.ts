/**
 * `@dbp/aws-core` for browsers, web workers, Cloudflare workerd and Vercel's
 * edge runtime (chosen by the `browser`, `worker`, `workerd` and
 * `edge-light` export conditions, and wherever `node` is not one): the kernel,
 * logs and `onEvent` events, SDK client classes as services, and the full
 * messages in development. Same API as the Node build; what it leaves out:
 * - the fast path (a hit takes the full path: a few microseconds);
 * - the lifecycle plug-in: destroying a fetch-based client never touches a
 *   running request, so a removed client is destroyed at once, and `stats()`
 *   has no in-flight or socket fields (`dispose()` is final all the same: an
 *   attempt after it, a retry included, fails with `FACTORY_DISPOSED`);
 * - in production bundles (`process.env.NODE_ENV === 'production'`, which
 *   bundlers replace), the message texts: errors keep every field and carry a
 *   short message with the code and a link to the Errors page.
 *
 * @packageDocumentation
 */
import { install, type Plugins } from './kernel/setup.js';
import { webPlatform } from './platform/web.js';
import { clientClasses } from './plugins/clientClass/index.js';
import { dev } from './plugins/dev/index.js';
import { linkCatalog } from './plugins/dev/messages.js';
import { observe } from './plugins/observe/index.js';

// Bundlers replace `process.env.NODE_ENV` textually; the web build needs no
// Node types for it (a worker's tsconfig has none).
declare const process: { readonly env: Readonly<Record<string, string | undefined>> };

/**
 * The development aids, unless this is a production bundle. Written as React
 * does, so a bundler that replaces `process.env.NODE_ENV` with
 * `"production"` drops the branch and with it the whole plug-in; where there
 * is no bundler and no `process` (a browser loading the file as it is), the
 * read throws and the build runs without them.
 */
function developmentAids(): Plugins['dev'] {
  if (process.env.NODE_ENV !== 'production') return dev(linkCatalog);
  return undefined;
}

let aids: Plugins['dev'];
try {
  aids = developmentAids();
} catch {
  // No `process` here: short messages.
}

install(webPlatform, { observe: observe(), dev: aids, clientClasses });

export * from './api.js';
