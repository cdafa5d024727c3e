/**
 * XML documents on which `@dbp/aws-s3`'s DOMParser shim must agree with a
 * browser's own DOMParser: S3 response shapes, then the XML corners a
 * response may hit. Compared in Chromium by `browser.ts`.
 */

function listing(count: number): string {
  const contents = Array.from(
    { length: count },
    (_, i) =>
      `<Contents><Key>dir/file-${i}&amp;x.txt</Key><LastModified>2025-01-01T00:00:00.000Z</LastModified><ETag>&quot;${i.toString(16).padStart(32, '0')}&quot;</ETag><Size>${i}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
  ).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>big</Name><KeyCount>${count}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`;
}

/** Well-formed documents: both parsers must build the same tree and the SDK the same object. */
export const WELL_FORMED: ReadonlyArray<readonly [label: string, xml: string]> = [
  [
    'ListObjectsV2, pretty-printed, entities and character references',
    `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bucket</Name>
  <Prefix></Prefix>
  <KeyCount>2</KeyCount>
  <MaxKeys>1000</MaxKeys>
  <IsTruncated>false</IsTruncated>
  <Contents>
    <Key>a&amp;b &lt;c&gt; &quot;d&quot; &apos;e&apos;.txt</Key>
    <ETag>&quot;0cc175b9c0f1b6a831c399e269772661&quot;</ETag>
    <Size>1</Size>
  </Contents>
  <Contents>
    <Key>caf&#xE9; &#233; &#128512; 日本.txt</Key>
    <Size>4</Size>
  </Contents>
</ListBucketResult>`,
  ],
  ['ListObjectsV2 with 1000 keys', listing(1000)],
  [
    'an S3 error body',
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>a&amp;b</Key><RequestId>4442587FB7D0A2F9</RequestId><HostId>h/o+s=t</HostId></Error>',
  ],
  [
    'GetBucketAcl with namespaced attributes',
    '<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>75aa57f0</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>75aa57f0</ID><DisplayName>me</DisplayName></Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>',
  ],
  [
    'CopyObject with raw quotes in text',
    '<CopyObjectResult><LastModified>2009-10-12T17:50:30.000Z</LastModified><ETag>"9b2cf535f27731c974343645a3985328"</ETag></CopyObjectResult>',
  ],
  [
    'empty and self-closing elements',
    '<ListBucketResult><Name>b</Name><Prefix></Prefix><Marker/><Delimiter /><IsTruncated>false</IsTruncated></ListBucketResult>',
  ],
  ['repeated siblings', '<a><b>1</b><b>2</b><b>3</b><c>x</c></a>'],
  [
    'CDATA, comments and processing instructions',
    '<a><!-- note --><b><![CDATA[x < y & z]]></b><c>t<![CDATA[u]]>v</c><d><![CDATA[]]></d><?pi data?><e><!--only--></e></a>',
  ],
  ['mixed content', '<a>text<b>1</b>more<c/>tail</a>'],
  ['whitespace-only elements', '<a><b>   </b><c>\n</c><d>\t \n </d></a>'],
  ['attribute whitespace and references', `<a x="1&#9;2\t3\n4" y='s"q' z="&lt;&amp;&gt;"><b p = "v" /></a>`],
  ['CRLF and CR line ends', '<a>\r\n<b>x\r\ny\rz</b><c v="1\r\n2"/></a>'],
  ['a BOM and an XML declaration', '\uFEFF<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<a><b>1</b></a>\n'],
  ['prefixed elements', '<s:a xmlns:s="urn:x"><s:b>1</s:b><s:b>2</s:b></s:a>'],
  ['a comment and a PI around the root', '<!-- before --><?style x?>\n<a>1</a>\n<!-- after -->'],
  ['a doctype without an internal subset', '<!DOCTYPE a>\n<a>1</a>'],
];

/** Malformed documents: both must report an error (the SDK then throws). */
export const MALFORMED: ReadonlyArray<readonly [label: string, xml: string]> = [
  ['mismatched tags', '<a><b></a></b>'],
  ['an unclosed element', '<a><b></b>'],
  ['two roots', '<a/><b/>'],
  ['text outside the root', 'x<a/>'],
  ['an undefined entity', '<a>&nbsp;</a>'],
  ['a bare ampersand', '<a>fish & chips</a>'],
  ['an unquoted attribute', '<a x=1/>'],
  ['a duplicate attribute', '<a x="1" x="2"/>'],
  ['no markup at all', 'not xml'],
  ['an empty document', ''],
];
