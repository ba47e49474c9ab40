// The plain-text part of an email whose template has none, derived from its rendered HTML:
// visible text, one line per block, each link's URL after its text (the game link must survive
// in a text-only mail client). One pass with indexOf, no backtracking regex over the document:
// templates can loop, so the HTML can be large and arbitrary, and this runs per recipient.

/** Elements whose content is never text: skipped with everything inside. */
const HIDDEN = new Set(['head', 'style', 'script', 'title', 'template', 'noscript', 'xml']);
/** Elements that start and end a line. */
const BLOCK = new Set([
  'p',
  'div',
  'tr',
  'table',
  'section',
  'article',
  'blockquote',
  'ul',
  'ol',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'br',
]);

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  zwnj: '',
  copy: '©',
  reg: '®',
  hellip: '…',
  mdash: '—',
  ndash: '–',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});/gi, (entity, name: string) => {
    if (name.startsWith('#')) {
      const code =
        name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return NAMED[name.toLowerCase()] ?? entity;
  });
}

const attributePatterns = new Map<string, RegExp>();

function attribute(tag: string, name: string): string | undefined {
  let pattern = attributePatterns.get(name);
  if (!pattern) {
    pattern = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i');
    attributePatterns.set(name, pattern);
  }
  const match = pattern.exec(tag);
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}

/** The text a reader sees in `html`, with links as `text (url)`. */
export function htmlToText(html: string): string {
  let out = '';
  // While inside a hidden element: its name and the depth of same-named elements.
  let hidden: { name: string; depth: number } | undefined;
  const links: { href: string | undefined; start: number }[] = [];
  let at = 0;
  while (at < html.length) {
    const lt = html.indexOf('<', at);
    const textEnd = lt === -1 ? html.length : lt;
    if (textEnd > at && !hidden)
      out += decodeEntities(html.slice(at, textEnd)).replace(/\s+/g, ' ');
    if (lt === -1) break;
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      at = end === -1 ? html.length : end + 3;
      continue;
    }
    const gt = html.indexOf('>', lt + 1);
    if (gt === -1) break;
    const tag = html.slice(lt, gt + 1);
    at = gt + 1;
    const match = /^<(\/?)([a-zA-Z][\w:-]*)/.exec(tag);
    if (!match?.[2]) continue;
    const closing = match[1] === '/';
    const name = match[2].toLowerCase();
    const selfClosing = tag.endsWith('/>');
    if (hidden) {
      if (name === hidden.name && !selfClosing) hidden.depth += closing ? -1 : 1;
      if (hidden.depth === 0) hidden = undefined;
      continue;
    }
    if (!closing && !selfClosing) {
      const style = attribute(tag, 'style')?.replace(/\s/g, '').toLowerCase() ?? '';
      if (HIDDEN.has(name) || style.includes('display:none')) {
        hidden = { name, depth: 1 };
        continue;
      }
    }
    if (BLOCK.has(name)) out += '\n';
    if (name === 'li' && !closing) out += '\n- ';
    if (name === 'td' && closing) out += ' ';
    if (name === 'a' && !closing && !selfClosing) {
      const href = attribute(tag, 'href');
      links.push({
        href: href === undefined ? undefined : decodeEntities(href).trim(),
        start: out.length,
      });
    } else if (name === 'a' && closing) {
      const link = links.pop();
      if (link?.href && /^(https?:|mailto:|tel:)/i.test(link.href)) {
        const text = out.slice(link.start).trim();
        if (text === '') out += `${/\S$/.test(out) ? ' ' : ''}${link.href}`;
        else if (text !== link.href) out += ` (${link.href})`;
      }
    }
  }
  return out
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
