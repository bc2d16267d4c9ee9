/**
 * A small non-validating XML reader for XMP packets and Office parts. It never expands
 * custom entities (no DOCTYPE processing), bounds depth and node count, and reports the
 * first structural error instead of throwing.
 */
export interface XmlElement {
  /** Qualified name as written (`rdf:Description`). */
  name: string;
  /** Namespace URI after prefix resolution ('' when unbound). */
  ns: string;
  local: string;
  attrs: { name: string; ns: string; local: string; value: string }[];
  children: XmlElement[];
  text: string;
}

export interface XmlDoc {
  root: XmlElement;
  error?: string;
}

const MAX_DEPTH = 256;
const MAX_NODES = 200_000;

export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g, (_m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '\uFFFD';
    }
    return ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[e]!;
  });
}

export const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const ATTR = /([^\s=/>]+)\s*=\s*("([^"]*)"|'([^']*)')/g;

export function parseXml(src: string): XmlDoc {
  const root: XmlElement = { name: '#document', ns: '', local: '#document', attrs: [], children: [], text: '' };
  const stack: { el: XmlElement; scope: Map<string, string> }[] = [{ el: root, scope: new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]) }];
  let i = 0;
  let nodes = 0;
  let error: string | undefined;
  const resolve = (qname: string, scope: Map<string, string>, isAttr: boolean): { ns: string; local: string } => {
    const c = qname.indexOf(':');
    if (c < 0) return { ns: isAttr ? '' : (scope.get('') ?? ''), local: qname };
    return { ns: scope.get(qname.slice(0, c)) ?? '', local: qname.slice(c + 1) };
  };
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const top = stack[stack.length - 1]!;
    if (lt < 0) {
      top.el.text += decodeEntities(src.slice(i));
      break;
    }
    if (lt > i) top.el.text += decodeEntities(src.slice(i, lt));
    if (src.startsWith('<!--', lt)) {
      const e = src.indexOf('-->', lt + 4);
      if (e < 0) return { root, error: 'unterminated comment' };
      i = e + 3;
    } else if (src.startsWith('<![CDATA[', lt)) {
      const e = src.indexOf(']]>', lt + 9);
      if (e < 0) return { root, error: 'unterminated CDATA section' };
      top.el.text += src.slice(lt + 9, e);
      i = e + 3;
    } else if (src.startsWith('<?', lt)) {
      const e = src.indexOf('?>', lt + 2);
      if (e < 0) return { root, error: 'unterminated processing instruction' };
      i = e + 2;
    } else if (src.startsWith('<!', lt)) {
      // DOCTYPE and friends: skipped, never interpreted (no entity expansion).
      const e = src.indexOf('>', lt + 2);
      if (e < 0) return { root, error: 'unterminated declaration' };
      i = e + 1;
    } else if (src[lt + 1] === '/') {
      const e = src.indexOf('>', lt + 2);
      if (e < 0) return { root, error: 'unterminated end tag' };
      const name = src.slice(lt + 2, e).trim();
      if (stack.length <= 1 || top.el.name !== name) {
        error ??= `end tag </${name.slice(0, 60)}> does not match <${top.el.name.slice(0, 60)}>`;
        // Recover: pop to the matching element if there is one.
        const k = stack.map((s) => s.el.name).lastIndexOf(name);
        if (k > 0) stack.length = k;
      } else stack.pop();
      i = e + 1;
    } else {
      // Start tag: find its end, minding quoted attribute values.
      let j = lt + 1;
      let quote = '';
      while (j < src.length) {
        const ch = src[j]!;
        if (quote) {
          if (ch === quote) quote = '';
        } else if (ch === '"' || ch === "'") quote = ch;
        else if (ch === '>') break;
        j++;
      }
      if (j >= src.length) return { root, error: 'unterminated start tag' };
      let body = src.slice(lt + 1, j);
      const selfClosing = body.endsWith('/');
      if (selfClosing) body = body.slice(0, -1);
      const sp = body.search(/\s/);
      const name = (sp < 0 ? body : body.slice(0, sp)).trim();
      if (!name) {
        error ??= 'empty tag name';
        i = j + 1;
        continue;
      }
      const rawAttrs: { name: string; value: string }[] = [];
      if (sp >= 0) {
        ATTR.lastIndex = 0;
        const rest = body.slice(sp);
        let m: RegExpExecArray | null;
        while ((m = ATTR.exec(rest))) rawAttrs.push({ name: m[1]!, value: decodeEntities(m[3] ?? m[4] ?? '') });
      }
      const scope = new Map(top.scope);
      for (const a of rawAttrs) {
        if (a.name === 'xmlns') scope.set('', a.value);
        else if (a.name.startsWith('xmlns:')) scope.set(a.name.slice(6), a.value);
      }
      const { ns, local } = resolve(name, scope, false);
      const el: XmlElement = {
        name,
        ns,
        local,
        attrs: rawAttrs.filter((a) => a.name !== 'xmlns' && !a.name.startsWith('xmlns:')).map((a) => ({ ...a, ...resolve(a.name, scope, true) })),
        children: [],
        text: '',
      };
      if (++nodes > MAX_NODES) return { root, error: `more than ${MAX_NODES} elements` };
      top.el.children.push(el);
      if (!selfClosing) {
        if (stack.length > MAX_DEPTH) return { root, error: `nesting deeper than ${MAX_DEPTH}` };
        stack.push({ el, scope });
      }
      i = j + 1;
    }
  }
  if (!error && stack.length > 1) error = `element <${stack[stack.length - 1]!.el.name.slice(0, 60)}> is not closed`;
  return error ? { root, error } : { root };
}

export function* walk(el: XmlElement): Generator<XmlElement> {
  const todo = [el];
  while (todo.length) {
    const e = todo.pop()!;
    yield e;
    for (let k = e.children.length - 1; k >= 0; k--) todo.push(e.children[k]!);
  }
}
