/**
 * A minimal, DOMParser-compatible XML parser for runtimes that have no
 * `DOMParser`: Cloudflare workerd, Vercel's edge runtime, web workers.
 *
 * Bundlers that target those runtimes follow the SDK's `browser` package
 * field, so `@aws-sdk/xml-builder` parses S3 responses with its browser
 * parser (`dist-es/xml-parser.browser.js`), which uses exactly this much DOM:
 *
 * - `new DOMParser().parseFromString(text, 'application/xml')`
 * - `document.getElementsByTagName('parsererror').length` (malformed XML)
 * - `document.documentElement.nodeName`
 * - `node.nodeType` compared with the global `Node.TEXT_NODE` / `Node.ELEMENT_NODE`
 * - `node.nodeName`, `node.textContent`
 * - `element.attributes` and `element.childNodes` (`length`, `Array.from`), `attr.name`, `attr.value`
 *
 * This module implements that subset for XML 1.0 the way browsers build it
 * (text, CDATA, comment and processing-instruction nodes kept in document
 * order, whitespace-only text kept, entities and character references
 * decoded, attribute whitespace normalised), and reports malformed XML like a
 * browser does: a document holding a `<parsererror>` element. It does not
 * check namespace prefixes and accepts any non-ASCII character in names.
 * Its output is compared with Chromium's own `DOMParser` in
 * `internal/runtime-tests`.
 *
 * @see https://github.com/aws/aws-sdk-js-v3/tree/main/packages-internal/xml-builder
 * @see https://developers.cloudflare.com/workers/runtime-apis/web-standards/ (no DOMParser)
 */

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const PROCESSING_INSTRUCTION_NODE = 7;
const COMMENT_NODE = 8;
const DOCUMENT_NODE = 9;

/**
 * The DOM node base class and its node-type constants. Installed as
 * `globalThis.Node` by {@link ensureDomParser} when a runtime has none,
 * because the SDK compares `node.nodeType` with `Node.TEXT_NODE`.
 */
export class XmlNode {
  /** An element. */
  static readonly ELEMENT_NODE: 1 = 1;
  /** An attribute. */
  static readonly ATTRIBUTE_NODE: 2 = 2;
  /** Character data. */
  static readonly TEXT_NODE: 3 = 3;
  /** A `<![CDATA[ ]]>` section. */
  static readonly CDATA_SECTION_NODE: 4 = 4;
  /** Legacy; never produced. */
  static readonly ENTITY_REFERENCE_NODE: 5 = 5;
  /** Legacy; never produced. */
  static readonly ENTITY_NODE: 6 = 6;
  /** A `<?target data?>` processing instruction. */
  static readonly PROCESSING_INSTRUCTION_NODE: 7 = 7;
  /** A comment. */
  static readonly COMMENT_NODE: 8 = 8;
  /** The document. */
  static readonly DOCUMENT_NODE: 9 = 9;
  /** A doctype; never produced (doctypes are skipped). */
  static readonly DOCUMENT_TYPE_NODE: 10 = 10;
  /** A document fragment; never produced. */
  static readonly DOCUMENT_FRAGMENT_NODE: 11 = 11;
  /** Legacy; never produced. */
  static readonly NOTATION_NODE: 12 = 12;

  /** The node type (`XmlNode.ELEMENT_NODE`, ...). */
  readonly nodeType: number;
  /** The qualified tag name for elements, `#text`, `#cdata-section`, `#comment`, the target for processing instructions, `#document`. */
  readonly nodeName: string;
  /** The character data of text, CDATA, comment and processing-instruction nodes; `null` otherwise. */
  readonly nodeValue: string | null;
  /** The children in document order. */
  readonly childNodes: XmlNode[] = [];

  /** @internal */
  constructor(nodeType: number, nodeName: string, nodeValue: string | null = null) {
    this.nodeType = nodeType;
    this.nodeName = nodeName;
    this.nodeValue = nodeValue;
  }

  /** Like the DOM: character data for leaf nodes, all descendant text and CDATA for elements, `null` for the document. */
  get textContent(): string | null {
    if (this.nodeType === DOCUMENT_NODE) return null;
    if (this.nodeType !== ELEMENT_NODE) return this.nodeValue;
    let text = '';
    const pending: XmlNode[] = [...this.childNodes].reverse();
    for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
      if (node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE) text += node.nodeValue;
      else if (node.nodeType === ELEMENT_NODE) for (let i = node.childNodes.length - 1; i >= 0; i--) pending.push(node.childNodes[i]!);
    }
    return text;
  }

  /** The descendant elements named `name` (or all, for `'*'`), in document order. */
  getElementsByTagName(name: string): XmlElement[] {
    const found: XmlElement[] = [];
    const pending: XmlNode[] = [...this.childNodes].reverse();
    for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
      if (!(node instanceof XmlElement)) continue;
      if (name === '*' || node.nodeName === name) found.push(node);
      for (let i = node.childNodes.length - 1; i >= 0; i--) pending.push(node.childNodes[i]!);
    }
    return found;
  }
}

/** An attribute as the SDK reads it: `name` and `value`. */
export interface XmlAttribute {
  /** The qualified attribute name (`xmlns`, `xsi:type`). */
  readonly name: string;
  /** The decoded, whitespace-normalised value. */
  readonly value: string;
}

/** An element node. */
export class XmlElement extends XmlNode {
  /** The attributes in source order, namespace declarations included (as in the DOM). */
  readonly attributes: XmlAttribute[] = [];

  /** @internal */
  constructor(name: string) {
    super(ELEMENT_NODE, name);
  }

  /** The qualified tag name, as `nodeName`. */
  get tagName(): string {
    return this.nodeName;
  }

  /** The value of the attribute `name`, or `null`. */
  getAttribute(name: string): string | null {
    return this.attributes.find((attribute) => attribute.name === name)?.value ?? null;
  }
}

/** A parsed document. */
export class XmlDocument extends XmlNode {
  /** The root element. */
  documentElement: XmlElement | null = null;

  /** @internal */
  constructor() {
    super(DOCUMENT_NODE, '#document');
  }
}

class XmlParseError extends Error {}

const XML_TYPES = new Set(['application/xml', 'text/xml', 'application/xhtml+xml', 'image/svg+xml']);
const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
// XML 1.0 names, lenient above U+00BF (namespace prefixes are not checked).
const NAME = /[A-Za-z_:\u00C0-\uFFFF][-.\w:\u00B7\u00C0-\uFFFF]*/y;
const WHITESPACE = /[ \t\n]*/y;
const NON_WHITESPACE = /[^ \t\n]/;

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

function decodeReference(reference: string): string {
  if (Object.hasOwn(ENTITIES, reference)) return ENTITIES[reference]!;
  let code = Number.NaN;
  if (/^#x[0-9A-Fa-f]{1,6}$/.test(reference)) code = Number.parseInt(reference.slice(2), 16);
  else if (/^#[0-9]{1,7}$/.test(reference)) code = Number.parseInt(reference.slice(1), 10);
  else throw new XmlParseError(`undefined entity &${reference};`);
  if (!isXmlChar(code)) throw new XmlParseError(`character reference &${reference}; is not a legal XML character`);
  return String.fromCodePoint(code);
}

function decode(raw: string): string {
  let amp = raw.indexOf('&');
  if (amp === -1) return raw;
  let out = '';
  let last = 0;
  while (amp !== -1) {
    const semicolon = raw.indexOf(';', amp + 1);
    if (semicolon === -1) throw new XmlParseError('unterminated entity reference');
    out += raw.slice(last, amp) + decodeReference(raw.slice(amp + 1, semicolon));
    last = semicolon + 1;
    amp = raw.indexOf('&', last);
  }
  return out + raw.slice(last);
}

/** Parses a whole XML document; throws `XmlParseError` on malformed input. */
function parseDocument(input: string): XmlDocument {
  const source = input.replace(/\r\n?/g, '\n');
  const end = source.length;
  const document = new XmlDocument();
  const open: XmlNode[] = [document];
  let i = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  const start = i;

  const fail = (reason: string): never => {
    const line = source.slice(0, i).split('\n').length;
    throw new XmlParseError(`${reason} (line ${line})`);
  };
  const readName = (at: number): string => {
    NAME.lastIndex = at;
    const match = NAME.exec(source);
    return match === null ? fail('expected a name') : match[0];
  };
  const skipWhitespace = (at: number): number => {
    WHITESPACE.lastIndex = at;
    WHITESPACE.exec(source);
    return WHITESPACE.lastIndex;
  };
  const closeOf = (token: string, from: number, what: string): number => {
    const at = source.indexOf(token, from);
    return at === -1 ? fail(`unterminated ${what}`) : at;
  };

  while (i < end) {
    const current = open[open.length - 1]!;
    const lt = source.indexOf('<', i);
    if (lt !== i) {
      const stop = lt === -1 ? end : lt;
      const raw = source.slice(i, stop);
      if (current === document) {
        if (NON_WHITESPACE.test(raw)) fail(document.documentElement ? 'extra content at the end of the document' : 'content before the root element');
      } else {
        current.childNodes.push(new XmlNode(TEXT_NODE, '#text', decode(raw)));
      }
      i = stop;
      continue;
    }
    if (source.startsWith('<!--', i)) {
      const close = closeOf('-->', i + 4, 'comment');
      current.childNodes.push(new XmlNode(COMMENT_NODE, '#comment', source.slice(i + 4, close)));
      i = close + 3;
    } else if (source.startsWith('<![CDATA[', i)) {
      if (current === document) fail('CDATA outside the root element');
      const close = closeOf(']]>', i + 9, 'CDATA section');
      current.childNodes.push(new XmlNode(CDATA_SECTION_NODE, '#cdata-section', source.slice(i + 9, close)));
      i = close + 3;
    } else if (source.startsWith('<!DOCTYPE', i)) {
      if (current !== document || document.documentElement) fail('misplaced DOCTYPE');
      // Skip it, internal subset included; entities it declares stay undefined.
      let depth = 0;
      let j = i + 9;
      for (; j < end; j++) {
        const c = source[j];
        if (c === '[') depth++;
        else if (c === ']') depth--;
        else if (c === '>' && depth <= 0) break;
      }
      if (j >= end) fail('unterminated DOCTYPE');
      i = j + 1;
    } else if (source.startsWith('<?', i)) {
      const close = closeOf('?>', i + 2, 'processing instruction');
      const target = readName(i + 2);
      if (target.toLowerCase() === 'xml') {
        if (i !== start) fail('XML declaration allowed only at the start of the document');
      } else {
        current.childNodes.push(new XmlNode(PROCESSING_INSTRUCTION_NODE, target, source.slice(skipWhitespace(i + 2 + target.length), close)));
      }
      i = close + 2;
    } else if (source[i + 1] === '/') {
      const name = readName(i + 2);
      const j = skipWhitespace(i + 2 + name.length);
      if (source[j] !== '>') fail(`expected > to close </${name}`);
      if (current === document || current.nodeName !== name) fail(`closing tag </${name}> does not match <${current.nodeName}>`);
      open.pop();
      i = j + 1;
    } else {
      const name = readName(i + 1);
      const element = new XmlElement(name);
      let j = i + 1 + name.length;
      let selfClosing = false;
      for (;;) {
        const afterSpace = skipWhitespace(j);
        const c = source[afterSpace];
        if (c === '>') {
          j = afterSpace + 1;
          break;
        }
        if (c === '/' && source[afterSpace + 1] === '>') {
          j = afterSpace + 2;
          selfClosing = true;
          break;
        }
        if (afterSpace === j || c === undefined) fail(`malformed start tag <${name}>`);
        const attribute = readName(afterSpace);
        let k = skipWhitespace(afterSpace + attribute.length);
        if (source[k] !== '=') fail(`attribute ${attribute} has no value`);
        k = skipWhitespace(k + 1);
        const quote = source[k];
        if (quote !== '"' && quote !== "'") fail(`attribute ${attribute} value is not quoted`);
        const close = closeOf(quote as string, k + 1, 'attribute value');
        const raw = source.slice(k + 1, close);
        if (raw.includes('<')) fail(`< in the value of attribute ${attribute}`);
        if (element.attributes.some((existing) => existing.name === attribute)) fail(`duplicate attribute ${attribute}`);
        // Attribute-value normalisation: literal tabs and newlines become spaces, character references survive.
        element.attributes.push({ name: attribute, value: decode(raw.replace(/[\t\n]/g, ' ')) });
        j = close + 1;
      }
      if (current === document) {
        if (document.documentElement) fail('extra content at the end of the document');
        document.documentElement = element;
      }
      current.childNodes.push(element);
      if (!selfClosing) open.push(element);
      i = j;
    }
  }
  if (open.length > 1) fail(`premature end of data: <${open[open.length - 1]!.nodeName}> is not closed`);
  if (!document.documentElement) fail('no root element');
  return document;
}

function errorDocument(message: string): XmlDocument {
  // Browsers report malformed XML in the returned document, not by throwing.
  const document = new XmlDocument();
  const error = new XmlElement('parsererror');
  error.childNodes.push(new XmlNode(TEXT_NODE, '#text', `XML parsing error: ${message}`));
  document.childNodes.push(error);
  document.documentElement = error;
  return document;
}

/**
 * `DOMParser` for XML MIME types. Installed as `globalThis.DOMParser` by
 * {@link ensureDomParser} when a runtime has none.
 *
 * @example
 * ```ts
 * const doc = new MinimalDOMParser().parseFromString('<a>1</a>', 'application/xml')
 * doc.documentElement?.textContent // '1'
 * ```
 */
export class MinimalDOMParser {
  /** Parses `text` as XML. Malformed XML gives a document whose root is a `<parsererror>` element, as in browsers. */
  parseFromString(text: string, type: string): XmlDocument {
    if (!XML_TYPES.has(type)) {
      throw new TypeError(`This DOMParser (from @dbp/aws-s3, for runtimes without one) parses XML only; got type '${type}'.`);
    }
    try {
      return parseDocument(String(text));
    } catch (error) {
      if (error instanceof XmlParseError) return errorDocument(error.message);
      throw error;
    }
  }
}

function defineGlobal(name: string, value: unknown): void {
  // Non-enumerable, writable and configurable, like the browser's own globals.
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
}

/**
 * Makes sure `globalThis.DOMParser` exists, so the SDK's browser XML parser
 * works on runtimes without one. Installs {@link MinimalDOMParser} (and
 * {@link XmlNode} as `Node`, when that is missing too); leaves a runtime's own
 * DOMParser alone.
 *
 * @returns `true` when it installed the parser, `false` when one was there.
 *
 * @example
 * ```ts
 * ensureDomParser() // before the first S3 request on workerd
 * ```
 */
export function ensureDomParser(): boolean {
  const scope = globalThis as { DOMParser?: unknown; Node?: unknown };
  if (typeof scope.DOMParser === 'function') return false;
  try {
    if (typeof scope.Node === 'undefined') defineGlobal('Node', XmlNode);
    defineGlobal('DOMParser', MinimalDOMParser);
  } catch {
    // A frozen or non-configurable global scope: leave it as it is rather than fail creating the client.
    return false;
  }
  return true;
}
