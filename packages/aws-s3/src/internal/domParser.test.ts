import { afterEach, describe, expect, it } from 'vitest';
import { ensureDomParser, MinimalDOMParser, type XmlDocument, type XmlElement, XmlNode } from './domParser.js';

const parse = (xml: string): XmlDocument => new MinimalDOMParser().parseFromString(xml, 'application/xml');
const isError = (doc: XmlDocument): boolean => doc.getElementsByTagName('parsererror').length > 0;
const children = (node: XmlNode): Array<[number, string, string | null]> => node.childNodes.map((child) => [child.nodeType, child.nodeName, child.textContent]);

const LIST_OBJECTS = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bucket</Name><KeyCount>2</KeyCount><Contents><Key>a&amp;b &lt;c&gt;.txt</Key><ETag>&quot;0cc175b9c0f1b6a831c399e269772661&quot;</ETag><Size>1</Size></Contents><Contents><Key>caf&#xE9; &#128512;</Key><Size>4</Size></Contents></ListBucketResult>`;

describe(MinimalDOMParser.name, () => {
  it('builds the element tree the SDK walks for an S3 ListObjectsV2 response', () => {
    const doc = parse(LIST_OBJECTS);
    expect(isError(doc)).toBe(false);
    const root = doc.documentElement!;
    expect(root.nodeName).toBe('ListBucketResult');
    expect(root.attributes).toEqual([{ name: 'xmlns', value: 'http://s3.amazonaws.com/doc/2006-03-01/' }]);
    expect(root.childNodes.map((child) => child.nodeName)).toEqual(['Name', 'KeyCount', 'Contents', 'Contents']);
    const keys = doc.getElementsByTagName('Key').map((key) => key.textContent);
    expect(keys).toEqual(['a&b <c>.txt', 'café 😀']);
    expect(doc.getElementsByTagName('ETag')[0]!.textContent).toBe('"0cc175b9c0f1b6a831c399e269772661"');
  });

  it('keeps text, CDATA, comment and processing-instruction nodes in document order', () => {
    const doc = parse('<a>\n  <b/>one<!-- note --><![CDATA[<two>]]><?pi data?>three</a>');
    expect(children(doc.documentElement!)).toEqual([
      [XmlNode.TEXT_NODE, '#text', '\n  '],
      [XmlNode.ELEMENT_NODE, 'b', ''],
      [XmlNode.TEXT_NODE, '#text', 'one'],
      [XmlNode.COMMENT_NODE, '#comment', ' note '],
      [XmlNode.CDATA_SECTION_NODE, '#cdata-section', '<two>'],
      [XmlNode.PROCESSING_INSTRUCTION_NODE, 'pi', 'data'],
      [XmlNode.TEXT_NODE, '#text', 'three'],
    ]);
    // textContent concatenates text and CDATA only, as in the DOM.
    expect(doc.documentElement!.textContent).toBe('\n  one<two>three');
    expect(doc.textContent).toBeNull();
  });

  it('normalises line ends and attribute whitespace but keeps character references', () => {
    const doc = parse('<a x="1\t2\r\n3&#10;4" y=\'&apos;q&apos;\'>l1\r\nl2\rl3</a>');
    const root = doc.documentElement as XmlElement;
    expect(root.getAttribute('x')).toBe('1 2 3\n4');
    expect(root.getAttribute('y')).toBe("'q'");
    expect(root.textContent).toBe('l1\nl2\nl3');
  });

  it('skips a BOM, the XML declaration and a DOCTYPE with an internal subset', () => {
    const doc = parse('\uFEFF<?xml version="1.0"?><!DOCTYPE a [<!ELEMENT a (#PCDATA)>]>\n<a>ok</a>\n');
    expect(isError(doc)).toBe(false);
    expect(doc.documentElement!.textContent).toBe('ok');
  });

  it.each([
    ['an empty string', ''],
    ['text only', 'not xml'],
    ['mismatched tags', '<a><b></a></b>'],
    ['an unclosed element', '<a><b></b>'],
    ['two root elements', '<a/><b/>'],
    ['text after the root', '<a/>tail'],
    ['an undefined entity', '<a>&nbsp;</a>'],
    ['a bare ampersand', '<a>fish & chips</a>'],
    ['an illegal character reference', '<a>&#0;</a>'],
    ['an unquoted attribute', '<a x=1/>'],
    ['a duplicate attribute', '<a x="1" x="2"/>'],
    ['< in an attribute value', '<a x="<"/>'],
    ['an unterminated comment', '<a><!-- </a>'],
    ['an unterminated CDATA section', '<a><![CDATA[ </a>'],
    ['a late XML declaration', '<a><?xml version="1.0"?></a>'],
  ])('reports %s as a parsererror document, as browsers do', (_label, xml) => {
    const doc = parse(xml);
    expect(isError(doc)).toBe(true);
    expect(doc.documentElement!.nodeName).toBe('parsererror');
  });

  it('refuses non-XML types with a TypeError', () => {
    expect(() => new MinimalDOMParser().parseFromString('<p>', 'text/html')).toThrow(TypeError);
  });
});

describe(ensureDomParser.name, () => {
  const scope = globalThis as { DOMParser?: unknown; Node?: unknown };
  const saved = { DOMParser: Object.getOwnPropertyDescriptor(globalThis, 'DOMParser'), Node: Object.getOwnPropertyDescriptor(globalThis, 'Node') };

  afterEach(() => {
    for (const [name, descriptor] of Object.entries(saved)) {
      if (descriptor) Object.defineProperty(globalThis, name, descriptor);
      else delete (globalThis as Record<string, unknown>)[name];
    }
  });

  it('installs DOMParser and Node when the runtime has neither', () => {
    delete scope.DOMParser;
    delete scope.Node;
    expect(ensureDomParser()).toBe(true);
    expect(scope.DOMParser).toBe(MinimalDOMParser);
    expect(scope.Node).toBe(XmlNode);
    expect(Object.keys(globalThis)).not.toContain('DOMParser');
    expect(ensureDomParser()).toBe(false);
  });

  it("leaves a runtime's own DOMParser and Node alone", () => {
    class NativeDOMParser {}
    const NativeNode = { TEXT_NODE: 3, ELEMENT_NODE: 1 };
    scope.DOMParser = NativeDOMParser;
    scope.Node = NativeNode;
    expect(ensureDomParser()).toBe(false);
    expect(scope.DOMParser).toBe(NativeDOMParser);
    expect(scope.Node).toBe(NativeNode);
  });
});
