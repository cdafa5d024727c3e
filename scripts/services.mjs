#!/usr/bin/env node
// The service manifest's check (`pnpm services`, and a step of scripts/test.mjs):
// internal/services/services.json against the workspace (a service package
// that is not listed, an entry without a package, a malformed entry) and the
// README's service table and the core's list of service packages
// (packages/aws-core/src/kernel/servicePackages.ts, which the "unknown
// service" message and the unregistered-id type read) against the manifest. `--write` rewrites both.
//
// Adding a service package: add it under packages/, add its entry to the
// manifest, run `pnpm services --write`. Nothing else lists the services.
import { CORE_PACKAGES_FILE, inspectServices, MANIFEST_FILE, REPO_ROOT, syncCorePackages, syncReadme } from '@dbp/aws-services/manifest';

const write = process.argv.includes('--write');
const { services, errors } = inspectServices(REPO_ROOT);
if (errors.length === 0) errors.push(...syncReadme(REPO_ROOT, services, { write }), ...syncCorePackages(REPO_ROOT, services, { write }));
if (errors.length > 0) {
  console.error(`✖ ${MANIFEST_FILE} and the workspace disagree:\n${errors.map((line) => `  - ${line}`).join('\n')}`);
  process.exit(1);
}
console.log(
  `✓ ${MANIFEST_FILE}: ${services.length} service packages (${services.map((service) => service.package).join(', ')}); README table and ${CORE_PACKAGES_FILE} ${write ? 'written' : 'up to date'}`,
);
