/**
 * Development aids: the full text of every error message and log line
 * (`messages.ts`: what went wrong and what to do, with "did you mean"
 * suggestions for option names and service ids; `links.ts`: what it uses of
 * the rest of the core), the refusal of a misspelt
 * `serviceTiers` key (`serviceIds.ts`), the check of SDK config values
 * (`config.ts`) and the warning for credential providers built per call
 * (`providerTrap.ts`). The Node build always installs them;
 * a web build does unless bundled with `process.env.NODE_ENV ===
 * 'production'`, when errors keep every field (`code`, `region`,
 * `suggestion`, …) and carry a short message with a link to the Errors page.
 *
 * @module
 */
import type { MessageFormat } from '../../kernel/messages.js';
import type { Plugins } from '../../kernel/setup.js';
import { checkConfig } from './config.js';
import { CATALOG_LINKS, type CatalogLinks } from './links.js';
import { ProviderTrap } from './providerTrap.js';
import { checkServiceTierKey } from './serviceIds.js';

/**
 * The development aids plug-in, with the message catalog's `linkCatalog`
 * as the platform entry loads it: the web build bundles the catalog
 * (`./messages.js`); the Node build takes it from `#devCatalog`, which in
 * Node itself loads the catalog's file at the first message, so a process
 * that shows none never loads it.
 */
export function dev(linkCatalog: (links: CatalogLinks) => MessageFormat): NonNullable<Plugins['dev']> {
  return {
    format: linkCatalog(CATALOG_LINKS),
    providerTrap: () => new ProviderTrap(),
    checkServiceTierKey,
    checkConfig,
  };
}
