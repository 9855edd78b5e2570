// A small, strict XML parser for TwiML documents (no DTD support, no namespaces).
// Strict like Twilio's parser: a bare '&', an unknown entity or a mismatched tag is an error.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}

export type XmlNode = XmlElement | string;

export class XmlParseError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at offset ${position}`);
    this.name = 'XmlParseError';
  }
}

const NAME_START = /[A-Za-z_:]/;
const NAME_CHAR = /[A-Za-z0-9_:.-]/;
const MAX_DEPTH = 64;

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function isElement(node: XmlNode): node is XmlElement {
  return typeof node !== 'string';
}

/** Text content of an element and all its descendants. */
export function textContent(node: XmlNode): string {
  if (typeof node === 'string') return node;
  return node.children.map(textContent).join('');
}

export function parseXml(source: string): XmlElement {
  return new Parser(source).parseDocument();
}

class Parser {
  private pos = 0;

  constructor(private readonly src: string) {
    if (src.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  parseDocument(): XmlElement {
    let root: XmlElement | null = null;
    for (;;) {
      this.skipWhitespace();
      if (this.pos >= this.src.length) break;
      if (this.startsWith('<?')) this.skipPast('?>', 'processing instruction');
      else if (this.startsWith('<!--')) this.skipPast('-->', 'comment');
      else if (this.startsWith('<!DOCTYPE')) this.skipDoctype();
      else if (this.startsWith('<')) {
        if (root) this.fail('Only one root element is allowed');
        root = this.parseElement(0);
      } else this.fail('Text outside the root element');
    }
    if (!root) this.fail('No root element');
    return root;
  }

  private parseElement(depth: number): XmlElement {
    if (depth > MAX_DEPTH) this.fail('Elements nested too deeply');
    this.expect('<');
    const name = this.readName();
    const attrs: Record<string, string> = {};
    for (;;) {
      const hadSpace = this.skipWhitespace();
      if (this.startsWith('/>')) {
        this.pos += 2;
        return { name, attrs, children: [] };
      }
      if (this.startsWith('>')) {
        this.pos += 1;
        break;
      }
      if (!hadSpace) this.fail(`Expected whitespace, '>' or '/>' in <${name}>`);
      const attrName = this.readName();
      this.skipWhitespace();
      this.expect('=');
      this.skipWhitespace();
      const quote = this.src[this.pos];
      if (quote !== '"' && quote !== "'") this.fail(`Attribute ${attrName} value must be quoted`);
      const end = this.src.indexOf(quote, this.pos + 1);
      if (end < 0) this.fail(`Unterminated value of attribute ${attrName}`);
      const raw = this.src.slice(this.pos + 1, end);
      if (raw.includes('<')) this.fail(`'<' in value of attribute ${attrName}`);
      if (Object.prototype.hasOwnProperty.call(attrs, attrName)) this.fail(`Duplicate attribute ${attrName}`);
      attrs[attrName] = this.decode(raw, this.pos + 1);
      this.pos = end + 1;
    }
    const children: XmlNode[] = [];
    const pushText = (text: string): void => {
      if (text === '') return;
      const last = children[children.length - 1];
      if (typeof last === 'string') children[children.length - 1] = last + text;
      else children.push(text);
    };
    for (;;) {
      if (this.pos >= this.src.length) this.fail(`Unclosed element <${name}>`);
      if (this.startsWith('</')) {
        this.pos += 2;
        const closing = this.readName();
        if (closing !== name) this.fail(`Mismatched closing tag </${closing}> for <${name}>`);
        this.skipWhitespace();
        this.expect('>');
        return { name, attrs, children };
      }
      if (this.startsWith('<!--')) this.skipPast('-->', 'comment');
      else if (this.startsWith('<![CDATA[')) {
        const end = this.src.indexOf(']]>', this.pos);
        if (end < 0) this.fail('Unterminated CDATA section');
        pushText(this.src.slice(this.pos + 9, end));
        this.pos = end + 3;
      } else if (this.startsWith('<?')) this.skipPast('?>', 'processing instruction');
      else if (this.startsWith('<')) children.push(this.parseElement(depth + 1));
      else {
        const next = this.src.indexOf('<', this.pos);
        const end = next < 0 ? this.src.length : next;
        pushText(this.decode(this.src.slice(this.pos, end), this.pos));
        this.pos = end;
      }
    }
  }

  private decode(raw: string, offset: number): string {
    let out = '';
    let i = 0;
    while (i < raw.length) {
      const amp = raw.indexOf('&', i);
      if (amp < 0) {
        out += raw.slice(i);
        break;
      }
      out += raw.slice(i, amp);
      const semi = raw.indexOf(';', amp);
      if (semi < 0 || semi - amp > 12) throw new XmlParseError("Unescaped '&'", offset + amp);
      const entity = raw.slice(amp + 1, semi);
      out += this.resolveEntity(entity, offset + amp);
      i = semi + 1;
    }
    return out;
  }

  private resolveEntity(entity: string, position: number): string {
    const named = NAMED_ENTITIES[entity];
    if (named !== undefined) return named;
    const numeric = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(entity);
    if (numeric) {
      const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2] ?? '', 10);
      if (Number.isFinite(code) && code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)) {
        return String.fromCodePoint(code);
      }
    }
    throw new XmlParseError(`Unknown entity &${entity};`, position);
  }

  private readName(): string {
    const start = this.pos;
    if (!NAME_START.test(this.src[this.pos] ?? '')) this.fail('Expected a name');
    this.pos += 1;
    while (NAME_CHAR.test(this.src[this.pos] ?? '')) this.pos += 1;
    return this.src.slice(start, this.pos);
  }

  private skipWhitespace(): boolean {
    const start = this.pos;
    while (/\s/.test(this.src[this.pos] ?? '')) this.pos += 1;
    return this.pos > start;
  }

  private skipPast(terminator: string, what: string): void {
    const end = this.src.indexOf(terminator, this.pos);
    if (end < 0) this.fail(`Unterminated ${what}`);
    this.pos = end + terminator.length;
  }

  private skipDoctype(): void {
    const bracket = this.src.indexOf('[', this.pos);
    const close = this.src.indexOf('>', this.pos);
    if (bracket >= 0 && (close < 0 || bracket < close)) {
      const end = this.src.indexOf(']', bracket);
      if (end < 0) this.fail('Unterminated DOCTYPE');
      this.pos = end;
    }
    this.skipPast('>', 'DOCTYPE');
  }

  private startsWith(s: string): boolean {
    return this.src.startsWith(s, this.pos);
  }

  private expect(s: string): void {
    if (!this.startsWith(s)) this.fail(`Expected '${s}'`);
    this.pos += s.length;
  }

  private fail(message: string): never {
    throw new XmlParseError(message, this.pos);
  }
}
