/**
 * The kernel's side of messages: which messages exist, and the short form
 * every build can show. The full texts are a development aid
 * (`plugins/dev/messages.ts`, typed against {@link MessageId} so the two
 * lists cannot drift): the Node build always installs them; a web build
 * does unless bundled with `process.env.NODE_ENV === 'production'`, when
 * errors and log lines carry the short form (code, variant and the link to
 * the code's section of the Errors page) and none of the text.
 *
 * A message id is `CODE.variant` (or `CODE` alone): the part before the dot
 * is the error's stable `code`, which also picks its class (`errors.ts`).
 * `LOG.*` ids are log lines, not errors.
 *
 * @module
 */
import { errorDocsUrl } from './docsUrl.js';
import type { AwsClientErrorCode } from './types.js';

/** Every message the core shows, by id. */
export type MessageId =
  | 'CONSTRUCTOR_IS_PRIVATE'
  | 'FACTORY_ALREADY_IN_USE'
  | 'FACTORY_DISPOSED'
  | 'FACTORY_DISPOSED.request'
  | 'FACTORY_DISPOSED.body'
  | 'FACTORY_DISPOSED.send'
  | 'BODY_ABANDONED'
  | 'INVALID_OPTIONS.notObject'
  | 'INVALID_OPTIONS.unknownKey'
  | 'INVALID_OPTIONS.unreadable'
  | 'INVALID_OPTIONS.filterService'
  | 'INVALID_OPTIONS.filterRegion'
  | 'INVALID_OPTIONS.conflict'
  | 'INVALID_FACTORY_OPTIONS.unreadable'
  | 'INVALID_FACTORY_OPTIONS.notObject'
  | 'INVALID_FACTORY_OPTIONS.unknownKey'
  | 'INVALID_FACTORY_OPTIONS.value'
  | 'INVALID_FACTORY_OPTIONS.tier'
  | 'INVALID_FACTORY_OPTIONS.tierField'
  | 'INVALID_FACTORY_OPTIONS.serviceId'
  | 'INVALID_CONFIG.notObject'
  | 'INVALID_CONFIG.symbol'
  | 'INVALID_CONFIG.cycle'
  | 'INVALID_CONFIG.depth'
  | 'INVALID_CONFIG.create'
  | 'INVALID_CONFIG.endpoint'
  | 'UNKNOWN_SERVICE.id'
  | 'UNKNOWN_SERVICE.type'
  | 'UNKNOWN_SERVICE.notClient'
  | 'UNKNOWN_TIER'
  | 'INVALID_SERVICE_DEFINITION.unreadable'
  | 'INVALID_SERVICE_DEFINITION.unknownKey'
  | 'INVALID_SERVICE_DEFINITION'
  | 'INVALID_CREDENTIALS.type'
  | 'INVALID_CREDENTIALS.unknownField'
  | 'INVALID_CREDENTIALS.field'
  | 'INVALID_CREDENTIALS.whitespace'
  | 'INVALID_CREDENTIALS.profile'
  | 'INVALID_CREDENTIALS.unreadable'
  | 'INVALID_CREDENTIALS.keyed'
  | 'CREDENTIALS_EXPIRED'
  | 'CREDENTIALS_REJECTED.static'
  | 'CREDENTIALS_REJECTED.stream'
  | 'CREDENTIALS_REJECTED.unchanged'
  | 'CREDENTIALS_REJECTED.again'
  | 'MISSING_CREDENTIALS'
  | 'PROFILE_NOT_FOUND'
  | 'CREDENTIAL_PROVIDER_FAILED.rejected'
  | 'CREDENTIAL_PROVIDER_FAILED.sso'
  | 'CREDENTIAL_PROVIDER_FAILED.profile'
  | 'CREDENTIAL_PROVIDER_FAILED.environmentProfile'
  | 'CREDENTIAL_PROVIDER_FAILED.notCredentials'
  | 'CREDENTIAL_PROVIDER_FAILED.expiration'
  | 'INVALID_REGION.type'
  | 'INVALID_REGION.malformed'
  | 'UNKNOWN_REGION'
  | 'MISSING_REGION.web'
  | 'MISSING_REGION.node'
  | 'LOG.newRegion'
  | 'LOG.providerPerCall'
  | 'LOG.abandoned'
  | 'LOG.created'
  | 'LOG.removed'
  | 'LOG.destroyFailed'
  | 'LOG.listenerThrew'
  | 'LOG.refreshFailed';

/** The code a message id names: the part before the dot. */
type CodeOf<Id extends string> = Id extends `${infer Code}.${string}` ? Code : Id;
/** Compiles only for `true`. */
type Assert<Holds extends true> = Holds;
/**
 * Every message id names a public error code (or `LOG`): checked here, so a
 * misspelt id (`'INVALID_REGOIN.type'`) fails to compile instead of shipping
 * an error whose `code` is outside `AwsClientErrorCode` (`fail()` takes the
 * code from the id).
 */
export type MessageCodesArePublic = Assert<CodeOf<MessageId> extends AwsClientErrorCode | 'LOG' ? true : false>;

/** The details a message is rendered with: names, types, counts and non-secret values only. */
export type MessageValues = Record<string, string | number | boolean | readonly string[] | undefined>;

/** Renders a message in full (the development aid installs one). */
export type MessageFormat = (id: MessageId, details: MessageValues) => string;

/** The short text of a message: the id and its documentation link. */
export function shortMessage(id: MessageId): string {
  return `[@dbp/aws] ${id} — ${errorDocsUrl(id.split('.')[0] as AwsClientErrorCode | 'LOG')}`;
}
