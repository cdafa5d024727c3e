/**
 * Where unknown options are refused: one validator for every options object
 * (`getClient`, `getSession`, `clearCache`, `createClientFactory`,
 * `keyedCredentials`). Each is
 * read by property access of its known names (so getters, frozen objects,
 * non-enumerable properties and Proxies read the same everywhere); an
 * own enumerable key that is not a known name is refused with the closest known
 * name as a suggestion; anything the object itself throws while being read (a
 * revoked Proxy, a failing getter) becomes a typed error.
 *
 * @module
 */
import { AwsClientError, describeType, fail } from './errors.js';
import type { OptionsProblem } from './keySpec.js';
import type { MessageId } from './messages.js';
import { clip, errorName, NAME_CHARS, notOptionsKind } from './text.js';

/** The public functions that take an options object validated here. */
type OptionsWhere = CallWhere | 'getSession()' | 'clearCache()' | 'keyedCredentials()' | FactoryOptionsWhere;
/** The public functions that take a `getClient` call's service and options: the refusals name the one called. */
export type CallWhere = 'getClient()' | 'warm()';
/** The public functions that take factory options. */
export type FactoryOptionsWhere = 'createClientFactory()' | 'configureClientFactory()';
/** The public function whose input is being read: those, and the ones that read a definition or credentials options. */
export type Where = OptionsWhere | 'defineService()';

function codeOf(where: OptionsWhere): 'INVALID_OPTIONS' | 'INVALID_FACTORY_OPTIONS' {
  return where === 'createClientFactory()' || where === 'configureClientFactory()' ? 'INVALID_FACTORY_OPTIONS' : 'INVALID_OPTIONS';
}

/** The error a function gives for input it could not read: the code its other refusals have. */
function unreadableId(where: Where): MessageId {
  if (where === 'defineService()') return 'INVALID_SERVICE_DEFINITION.unreadable';
  if (where === 'keyedCredentials()') return 'INVALID_CREDENTIALS.unreadable';
  return `${codeOf(where)}.unreadable`;
}

/** Throws the typed error for what is wrong with an options object as a whole. */
export function refuseProblem(where: OptionsWhere, problem: OptionsProblem, allowed: readonly string[]): never {
  if (problem.kind === 'not-an-object') throw fail(`${codeOf(where)}.notObject`, { where, got: describeType(problem.value) });
  // `config`: the call takes SDK client config (getClient, warm), where a misplaced SDK setting goes.
  throw fail(`${codeOf(where)}.unknownKey`, { where, key: clip(problem.key, NAME_CHARS), allowed, config: allowed.includes('config') });
}

/** The typed error for whatever an options object threw while being read (a revoked Proxy, a failing getter). */
export function unreadable(where: Where, error: unknown): AwsClientError {
  if (error instanceof AwsClientError) return error;
  // The cause is the caller's own error (a vault read, a DI container), which may quote a secret:
  // kept for `error.cause`, withheld from `util.inspect` and the stack as the provider errors are.
  return fail(unreadableId(where), { where, reason: errorName(error) }, { cause: error, withholdCauseText: true });
}

/** Runs a read of user-supplied options, turning whatever the object throws into a typed error. */
export function guardRead<TResult>(where: Where, read: () => TResult): TResult {
  try {
    return read();
  } catch (error) {
    throw unreadable(where, error);
  }
}

/**
 * Reads an options object that is off the hot path (`createClientFactory`,
 * `clearCache`, `keyedCredentials`): `undefined` is `{}`; anything else must be an object whose own
 * enumerable keys are all in `names`. Returns the named values.
 */
export function readOptions<TName extends string>(where: OptionsWhere, value: unknown, names: readonly TName[]): Partial<Record<TName, unknown>> {
  return guardRead(where, () => {
    if (value === undefined) return {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) refuseProblem(where, { kind: 'not-an-object', value }, names);
    const record = value as Record<string, unknown>;
    for (const key in record)
      if (!(names as readonly string[]).includes(key) && Object.hasOwn(record, key)) refuseProblem(where, { kind: 'unknown-key', key }, names);
    const read: Partial<Record<TName, unknown>> = {};
    let given = false;
    for (const name of names) {
      read[name] = record[name];
      if (read[name] !== undefined) given = true;
    }
    // Nothing given: a promise, a Map, a Date… would take every default silently.
    if (!given && notOptionsKind(record) !== undefined) refuseProblem(where, { kind: 'not-an-object', value }, names);
    return read;
  });
}
