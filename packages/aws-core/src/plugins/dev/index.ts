/**
 * Development aids: the full text of every error message and log line
 * (`messages.ts`: what went wrong and what to do, with "did you mean"
 * suggestions for option names and service ids), the refusal of a misspelt
 * `serviceTiers` key (`serviceIds.ts`) and the warning for credential
 * providers built per call (`providerTrap.ts`). The Node build always installs them;
 * a web build does unless bundled with `process.env.NODE_ENV ===
 * 'production'`, when errors keep every field (`code`, `region`,
 * `suggestion`, …) and carry a short message with a link to the Errors page.
 *
 * @module
 */
import type { Plugins } from '../../kernel/setup.js';
import { fullMessage } from './messages.js';
import { ProviderTrap } from './providerTrap.js';
import { checkServiceTierKey } from './serviceIds.js';

/** The development aids plug-in. */
export const dev: NonNullable<Plugins['dev']> = {
  format: fullMessage,
  providerTrap: () => new ProviderTrap(),
  checkServiceTierKey,
};
