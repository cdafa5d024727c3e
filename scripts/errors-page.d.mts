// Types of errors-page.mjs for the TypeScript test that checks the Errors page against the messages.

/** The message catalog loaded from source (see `loadCatalog`). */
export interface Catalog {
  messageIds(): string[];
  fullMessage(id: string, details: object): string;
  shortMessage(id: string): string;
  fail(id: string, details?: object): Error;
  readonly tables: Map<string, Record<string, string>>;
}

/** One text of a message as the page shows it. */
export interface MessageTemplate {
  /** The text, details as `‹name›` placeholders. */
  readonly text: string;
  /** The conditions under which the message shows it (empty for the first one). */
  readonly when: string;
  readonly rules: readonly { readonly table: string; readonly key: string }[];
}

/** Where scripts/docs.mjs expects the page. */
export declare const ERRORS_PAGE_SOURCE: string;
/** The members of `AwsClientErrorCode`. */
export declare function errorCodes(): string[];
/** Loads the catalog from source, transpiled into `out`. */
export declare function loadCatalog(out?: string): Promise<Catalog>;
/** Every text a message can show, and which state of a real rendering each one shows. */
export declare function messageTemplates(catalog: Catalog, id: string): { templates: MessageTemplate[]; states: Map<string, number> };
/** A real rendering of a message and its state (the key of its template in `messageTemplates(…).states`). */
export declare function renderWithState(catalog: Catalog, id: string, details: object): { text: string; state: string };
/** Writes the Errors page. */
export declare function writeErrorsPage(file?: string, catalog?: Catalog): Promise<{ file: string; codes: string[]; catalog: Catalog }>;
