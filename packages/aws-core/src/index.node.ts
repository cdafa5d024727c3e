/**
 * `@dbp/aws-core`: one place to get AWS SDK v3 clients, cached by service,
 * region, profile, credentials and config; configured by workload tier; safe
 * with secrets; with typed errors that say what to do.
 *
 * This is the Node build (also Bun and Deno; chosen by the `node` export
 * condition): the kernel with every plug-in — the fast path, the lifecycle
 * (in-flight tracking, drain, dispose grace, abandoned bodies, sockets),
 * logs and events on `diagnostics_channel`, the full messages, and SDK client
 * classes as services.
 *
 * @packageDocumentation
 */
// The message catalog: loaded by Node itself at the first message (see package.json `imports`).
import { linkCatalog } from '#devCatalog';
import { AwsClientFactory } from './kernel/clientFactory.js';
import { install } from './kernel/setup.js';
import { withDisposeFallback } from './kernel/text.js';
import { nodePlatform } from './platform/node.js';
import { clientClasses } from './plugins/clientClass/index.js';
import { dev } from './plugins/dev/index.js';
import { fastPath } from './plugins/fastPath/index.js';
import { lifecycle } from './plugins/lifecycle/index.js';
import { diagnosticsChannels } from './plugins/observe/diagnosticsChannels.js';
import { observe } from './plugins/observe/index.js';

install(nodePlatform, { fastPath, lifecycle, observe: observe(diagnosticsChannels), dev: dev(linkCatalog), clientClasses });
withDisposeFallback(AwsClientFactory.prototype);

export * from './api.js';
