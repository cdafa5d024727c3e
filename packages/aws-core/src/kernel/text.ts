/**
 * Edit distance between two short strings: insertions, deletions,
 * substitutions and swaps of two adjacent characters count one each (optimal
 * string alignment), so `'athnea'` is one edit from `'athena'`, as a typist
 * sees it.
 */
export function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      let distance = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) distance = Math.min(distance, (before[j - 2] as number) + 1);
      current[j] = distance;
    }
    before = previous;
    previous = current;
  }
  return previous[b.length] as number;
}

/** The candidate nearest to `input` within `maxDistance` edits, if any. */
export function closest(input: string, candidates: Iterable<string>, maxDistance: number): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(input, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= maxDistance ? best : undefined;
}

/** A user-supplied string shortened for an error message. */
export function clip(value: string, max = 40): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}

/**
 * An access key id (`AKIA…`, `ASIA…`), a JWT, or a run of 40 or more
 * characters of a key's alphabet mixing upper case, lower case and digits (a
 * secret access key is 40, a session token longer): no service id, region or
 * option name looks like any of them, and a 40-character clip would show a
 * secret whole.
 */
export function looksLikeCredential(value: string): boolean {
  // Every repeat is bounded: an unbounded one over a run of millions of characters overflows the regular expression's stack (RangeError).
  // A JWT (a web identity or bearer token): three base64url segments, the first a JSON header's encoding (`ey…`, `ew…`).
  if (/(?:AKIA|ASIA)[A-Z0-9]{16}|\be[wy][\w-]{14,4096}\.[\w-]{16,65536}\./.test(value)) return true;
  return (value.match(/[A-Za-z0-9/+=]{40,4096}/g) ?? []).some((run) => /[A-Z]/.test(run) && /[a-z]/.test(run) && /\d/.test(run));
}

/** What a message or error field says in place of a string that looks like a credential. */
export function notShown(value: string): string {
  return `(a string of ${value.length} characters that looks like a credential, not shown)`;
}

/**
 * How much of a user-given name (an option key, a field) an error's details
 * keep: ten times what a message shows, so the message finds a credential
 * whole in what it would show (a secret clipped at 40 characters with one in
 * front is no longer a 40-character run).
 */
export const NAME_CHARS = 400;

/** Control characters (C0, DEL, C1, the line and paragraph separators): in a message or a logged field they forge log lines or move the cursor. */
const CONTROL = /[\p{Cc}\u2028\u2029]/gu;
const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Each control character of a user-given text written as its escape (`\n`, `\u001b`). */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (char) => ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** An error name fit for a message, event or log line: identifier-like names only. */
const ERROR_NAME = /^[A-Za-z_$][\w$.-]{0,63}$/;

/**
 * What to call a thrown value in a message, event or log line: an Error's
 * name when it is identifier-like (`TypeError`, `CredentialsProviderError`),
 * else `Error`; `a non-Error value` for anything else. Never its message,
 * which may quote what the thrower read (a token, a file).
 */
export function errorName(error: unknown): string {
  if (!(error instanceof Error)) return 'a non-Error value';
  const name = error.name;
  return typeof name === 'string' && ERROR_NAME.test(name) ? name : 'Error';
}

/** Built-in objects that hold no options, by their `Object.prototype.toString` tag (which holds across realms). */
const NOT_OPTIONS =
  /^\[object (Promise|Map|Set|WeakMap|WeakSet|WeakRef|Date|RegExp|Error|ArrayBuffer|SharedArrayBuffer|URL|URLSearchParams|Headers|Blob|File|FormData|Response|AbortSignal|Arguments)\]$/;

/**
 * The kind of an object that cannot be an options object although it is one
 * in JavaScript's eyes, else `undefined`: a promise (an async function's
 * result passed without `await`; any thenable), a collection, a date, a
 * pattern, an error, a URL, binary data. Read by property access, each gives
 * nothing, and the call would silently take every default (the default
 * credentials and region): another identity than meant. By the built-in tag,
 * not `instanceof`, so a value of another realm (`node:vm`, an iframe) or
 * made before a library replaced `globalThis.Promise` counts too. Asked only
 * of an object that gives none of the options it is read for.
 */
export function notOptionsKind(value: object): string | undefined {
  try {
    if (isPromiseLike(value)) return 'Promise';
    if (ArrayBuffer.isView(value)) return 'ArrayBuffer view';
    return NOT_OPTIONS.exec(Object.prototype.toString.call(value))?.[1];
  } catch {
    // A Proxy whose trap throws for `then` or a symbol: read as options, by name, like any other.
    return undefined;
  }
}

/** Whether a value is a promise (or any thenable): what a provider called instead of passed, or an async function, gives. */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Gives `target` its `dispose()` under the keys `await using` compiled by
 * esbuild (tsx, vitest) looks up where the realm has no `Symbol.dispose` /
 * `Symbol.asyncDispose`: `Symbol.for('Symbol.asyncDispose')`. Node 20 and 22
 * have them only in the main realm, not in a `vm` context (vitest's
 * `vmThreads` and `vmForks` pools), where `await using factory` threw "Object
 * is not disposable". Nothing is added where the realm has them.
 */
export function withDisposeFallback(target: { dispose(): Promise<void> }): void {
  if (typeof Symbol.asyncDispose === 'symbol') return;
  Object.defineProperty(target, Symbol.for('Symbol.asyncDispose'), {
    value(this: { dispose(): Promise<void> }) {
      return this.dispose();
    },
    configurable: true,
    writable: true,
  });
  Object.defineProperty(target, Symbol.for('Symbol.dispose'), {
    value(this: { dispose(): Promise<void> }) {
      void this.dispose();
    },
    configurable: true,
    writable: true,
  });
}
