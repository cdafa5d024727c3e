// Size budgets (`pnpm size`; CI runs them through scripts/size.mjs).
//
// For each service package in internal/services/services.json: the browser
// bundle (esbuild, platform browser, minified, gzip level 9) of its minimal
// import and one call, built from the published files (dist/, resolved
// through the package's `exports` and the core's `browser` export
// condition), against the entry's `sizeLimit` (kB = 1000 bytes): a little
// above the measured size. Right after it, without a budget, the bare SDK
// client (`new XClient(...)`); scripts/size.mjs pairs the two, prints the
// difference (the core's overhead) and fails when it exceeds its budget.
//
// The two entry modules per service are written into the package's
// git-ignored .tmp/entries/ when this file loads: from there the package
// resolves itself and its own SDK client, as a consumer's bundler would.
import { SERVICES, writeServiceEntry } from '@dbp/aws-services';

const GENERATOR = '.size-limit.mjs';

/**
 * The production build a web app ships (`process.env.NODE_ENV` = production,
 * which bundlers replace): the budget is on it (DESIGN.md "Web build"); the
 * development build is reported by `pnpm bench` part 3.
 */
const production = (config) => ({ ...config, define: { ...config.define, 'process.env.NODE_ENV': '"production"' } });

export default SERVICES.flatMap((service) => [
  {
    name: `${service.package}: ${service.getter}()`,
    path: writeServiceEntry(
      service,
      'size.mjs',
      `import { ${service.getter} } from '${service.package}';\n\n${service.getter}({ region: 'us-east-1' });\n`,
      GENERATOR,
    ),
    gzip: true,
    limit: service.sizeLimit,
    modifyEsbuildConfig: production,
  },
  {
    name: `${service.sdk}: new ${service.client}() (baseline)`,
    path: writeServiceEntry(
      service,
      'size.sdk.mjs',
      `import { ${service.client} } from '${service.sdk}';\n\nnew ${service.client}({ region: 'us-east-1' });\n`,
      GENERATOR,
    ),
    gzip: true,
    modifyEsbuildConfig: production,
  },
]);
