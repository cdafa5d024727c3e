/**
 * The browser app: runs the S3 and DynamoDB flows through the factory from a
 * real page, checks `@dbp/aws-s3`'s DOMParser shim against Chromium's own
 * DOMParser, and shows everything on the page for the test to read.
 */
import { parseXML } from '@aws-sdk/xml-builder';
// The shim is internal to @dbp/aws-s3 (only its edge entry uses it); compared here against a real DOMParser.
import { MinimalDOMParser } from '../../../../packages/aws-s3/src/internal/domParser.js';
import { type FlowInput, type FlowResult, runFlows } from './flows.js';
import { MALFORMED, WELL_FORMED } from './xmlCorpus.js';

/** The outcome of comparing the shim with the native parser on one document. */
export interface ParityCase {
  /** Which document. */
  readonly label: string;
  /** The whole tree below the root element matched (node types, names, values, attributes, order). */
  readonly sameTree: boolean;
  /** The SDK's browser `parseXML` gave the same object (or both threw). */
  readonly sameSdkResult: boolean;
}

/** What the page publishes in `#result`. */
export interface BrowserReport {
  /** The S3 and DynamoDB flows, run on the page. */
  readonly flows: FlowResult;
  /** One entry per document of the XML corpus. */
  readonly parity: ParityCase[];
}

interface TreeNode {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly nodeValue: string | null;
  readonly attributes?: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly childNodes: ArrayLike<TreeNode>;
}
interface TreeDocument {
  readonly documentElement: TreeNode | null;
  getElementsByTagName(name: string): ArrayLike<unknown>;
}
interface XmlParser {
  parseFromString(text: string, type: 'application/xml'): TreeDocument;
}

function describeTree(node: TreeNode): unknown {
  return [node.nodeType, node.nodeName, node.nodeValue, Array.from(node.attributes ?? [], (a) => [a.name, a.value]), Array.from(node.childNodes, describeTree)];
}

function treeOf(parser: XmlParser, xml: string): string {
  const doc = parser.parseFromString(xml, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length > 0) return 'parsererror';
  return JSON.stringify(describeTree(doc.documentElement!));
}

const native = new DOMParser() as unknown as XmlParser;
const shim = new MinimalDOMParser() as unknown as XmlParser;
let current: XmlParser = native;

// The SDK's parseXML keeps the first DOMParser it makes, so give it one that
// forwards to whichever parser is being compared.
class ForwardingDOMParser {
  parseFromString(text: string, type: 'application/xml'): TreeDocument {
    return current.parseFromString(text, type);
  }
}

function sdkResult(parser: XmlParser, xml: string): string {
  current = parser;
  try {
    return JSON.stringify(parseXML(xml));
  } catch (error) {
    return `threw ${(error as Error).message}`;
  } finally {
    current = native;
  }
}

function compareParsers(): ParityCase[] {
  const realDOMParser = globalThis.DOMParser;
  (globalThis as { DOMParser: unknown }).DOMParser = ForwardingDOMParser;
  try {
    return [...WELL_FORMED, ...MALFORMED].map(([label, xml]) => {
      const nativeSdk = sdkResult(native, xml);
      const shimSdk = sdkResult(shim, xml);
      const bothThrew = nativeSdk.startsWith('threw') && shimSdk.startsWith('threw');
      return { label, sameTree: treeOf(native, xml) === treeOf(shim, xml), sameSdkResult: bothThrew || nativeSdk === shimSdk };
    });
  } finally {
    globalThis.DOMParser = realDOMParser;
  }
}

function cell(id: string, value: unknown): string {
  const text = String(value).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  return `<tr><th>${id}</th><td data-testid="${id}">${text}</td></tr>`;
}

function render(report: BrowserReport): void {
  const { flows, parity } = report;
  const app = document.getElementById('app')!;
  app.innerHTML = `
    <h1>@dbp/aws in Chromium</h1>
    <p>${flows.runtime.replaceAll('<', '&lt;')}</p>
    <h2>factory.stats()</h2>
    <table>${cell('stats-clients', flows.stats.clients)}${cell('stats-sessions', flows.stats.sessions)}${cell('stats-hits', flows.stats.hits)}${cell('stats-misses', flows.stats.misses)}${cell('stats-evictions', flows.stats.evictions)}
    ${flows.stats.entries.map((entry) => cell(`entry-${entry.service}`, `${entry.region} · ${entry.tier} · ${entry.hits} hits · credential ${entry.credentialId}`)).join('')}</table>
    <h2>S3</h2>
    <table>${cell('s3-bucket', flows.s3.bucket)}${cell('s3-listed', flows.s3.listedKeys.join(' | '))}${cell('s3-body', flows.s3.body)}${cell('s3-missing', flows.s3.missingKeyError)}</table>
    <h2>DynamoDB</h2>
    <table>${cell('ddb-table', `${flows.dynamodb.table} (${flows.dynamodb.tableStatus})`)}${cell('ddb-item', JSON.stringify(flows.dynamodb.item))}</table>
    <h2>XML: shim vs Chromium DOMParser</h2>
    <table>${cell('parity', `${parity.filter((c) => c.sameTree && c.sameSdkResult).length} of ${parity.length} documents identical`)}</table>`;
  document.getElementById('result')!.textContent = JSON.stringify(report);
}

async function main(): Promise<void> {
  try {
    const input = (await (await fetch('/input.json')).json()) as FlowInput;
    const parity = compareParsers();
    const flows = await runFlows(input, 'hello from Chromium');
    render({ flows, parity });
    document.body.dataset.state = 'done';
  } catch (error) {
    const failure = error as Error;
    document.getElementById('result')!.textContent = JSON.stringify({ error: `${failure.name}: ${failure.message}`, stack: failure.stack });
    document.body.dataset.state = 'error';
  }
}

void main();
