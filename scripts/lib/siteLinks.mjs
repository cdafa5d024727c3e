// The link check of the generated API reference (scripts/docs.mjs): every
// relative `href` and `src` in every HTML page, and every page path in
// TypeDoc's navigation and search data (assets/navigation.js,
// assets/search.js: the sidebar and search results link through them), must
// name a file of the site, and a `#fragment` must be an `id` (or `name`) in
// the page it names. Links with a scheme (https:, mailto:, data:, …) leave
// the site and are not followed; a root-relative link (`/x`) is broken,
// because the site is served under a path (GitHub Pages: /aws/).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { inflateSync } from 'node:zlib';

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const LINK_ATTRIBUTE = /\s(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi;
const ID_ATTRIBUTE = /\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi;
// TypeDoc's client-side data: `window.navigationData = "<base64 of deflated JSON>"`.
const SITE_DATA = [
  { file: join('assets', 'navigation.js'), variable: 'navigationData', paths: (data) => collect(data, 'path') },
  // A search row for an anonymous type literal (`type X = abstract new () => T`) links
  // `page.html#__type`, an anchor TypeDoc never renders: the row still lands on its page, so
  // only the page is checked for those.
  { file: join('assets', 'search.js'), variable: 'searchData', paths: (data) => collect(data.rows, 'url').map((url) => url.replace(/#__type$/, '')) },
];

function listFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : [full];
  });
}

function decodeEntities(text) {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, decimal) => String.fromCodePoint(Number(decimal)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Every string under `key` in a tree of objects and arrays. */
function collect(value, key, found = []) {
  if (Array.isArray(value)) for (const item of value) collect(item, key, found);
  else if (value && typeof value === 'object') {
    if (typeof value[key] === 'string') found.push(value[key]);
    for (const inner of Object.values(value)) if (inner && typeof inner === 'object') collect(inner, key, found);
  }
  return found;
}

/**
 * Checks every relative link of the site in `site` (see the top of this file).
 * @param {string} site the generated site's folder
 * @returns {{ checked: number, pages: number, broken: string[] }} `broken`: one line per broken link, `<page>: <link> (<why>)`
 */
export function checkSiteLinks(site) {
  const root = resolve(site);
  const files = listFiles(root);
  const exists = new Set(files);
  const ids = new Map();
  const idsOf = (file) => {
    if (!ids.has(file)) ids.set(file, new Set([...readFileSync(file, 'utf8').matchAll(ID_ATTRIBUTE)].map((match) => decodeEntities(match[1] ?? match[2]))));
    return ids.get(file);
  };
  const broken = [];
  let checked = 0;

  /** `link` as written in `page`, resolved against `base` (a folder). */
  const check = (page, base, link) => {
    if (link === '' || link === '#' || SCHEME.test(link) || link.startsWith('//')) return;
    checked += 1;
    const where = relative(root, page);
    if (link.startsWith('/')) {
      broken.push(`${where}: ${link} (root-relative: breaks where the site is served under a path)`);
      return;
    }
    const hashAt = link.indexOf('#');
    const path = (hashAt === -1 ? link : link.slice(0, hashAt)).split('?')[0];
    const fragment = hashAt === -1 ? '' : link.slice(hashAt + 1);
    let target = path === '' ? page : resolve(base, decodeURIComponent(path));
    if (!target.startsWith(root + sep)) {
      broken.push(`${where}: ${link} (leaves the site)`);
      return;
    }
    if (!exists.has(target) && exists.has(join(target, 'index.html'))) target = join(target, 'index.html');
    if (!exists.has(target)) {
      broken.push(`${where}: ${link} (no file ${relative(root, target)})`);
      return;
    }
    if (fragment !== '' && /\.(html|svg)$/.test(target) && !idsOf(target).has(decodeURIComponent(fragment))) {
      broken.push(`${where}: ${link} (no id "${decodeURIComponent(fragment)}" in ${relative(root, target)})`);
    }
  };

  const pages = files.filter((file) => file.endsWith('.html'));
  for (const page of pages) {
    for (const match of readFileSync(page, 'utf8').matchAll(LINK_ATTRIBUTE)) check(page, dirname(page), decodeEntities(match[1] ?? match[2]).trim());
  }
  for (const { file, variable, paths } of SITE_DATA) {
    const full = join(root, file);
    if (!exists.has(full)) continue;
    const encoded = readFileSync(full, 'utf8').match(new RegExp(`${variable}\\s*=\\s*"([^"]+)"`))?.[1];
    if (encoded === undefined) throw new Error(`${file}: no ${variable} string (has TypeDoc changed its format? scripts/lib/siteLinks.mjs reads it)`);
    // Paths in this data are relative to the site's root (TypeDoc prefixes the page's base when it renders them).
    for (const path of paths(JSON.parse(inflateSync(Buffer.from(encoded, 'base64')).toString('utf8')))) check(full, root, path);
  }
  return { checked, pages: pages.length, broken };
}

/**
 * Runs checkSiteLinks on a small site with known broken links and throws
 * unless it reports exactly those: the check must be able to fail.
 */
export function assertLinkCheckCatchesBrokenLinks() {
  const site = mkdtempSync(join(tmpdir(), 'dbp-link-check-'));
  try {
    mkdirSync(join(site, 'classes'));
    writeFileSync(join(site, 'classes', 'B.html'), '<h2 id="yes">yes</h2><a href="../index.html#top">back</a>');
    writeFileSync(
      join(site, 'index.html'),
      [
        '<a id="top"></a><a href="#top">ok</a><a href="classes/B.html#yes">ok</a><a href="https://example.com/x">external</a>',
        '<a href="classes/Missing.html">1</a><a href="classes/B.html#no">2</a><a href="#absent">3</a><img src="/logo.png">4',
      ].join('\n'),
    );
    const { broken, checked } = checkSiteLinks(site);
    const expected = ['classes/Missing.html', 'classes/B.html#no', '#absent', '/logo.png'];
    const found = expected.filter((link) => broken.some((line) => line.includes(`: ${link} (`)));
    if (checked !== 7 || broken.length !== expected.length || found.length !== expected.length) {
      throw new Error(
        `the link check misjudged its own test site: checked ${checked}, reported ${JSON.stringify(broken)}, expected ${JSON.stringify(expected)}`,
      );
    }
  } finally {
    rmSync(site, { recursive: true, force: true });
  }
}
