/**
 * Where a JSON text first goes wrong, as line and column. `JSON.parse` messages vary between
 * Node versions and some carry no position, so a small scanner finds the first bad token.
 * @see https://www.rfc-editor.org/rfc/rfc8259 §2–7
 */

/** The first syntax error in a JSON text, 1-based line and column. */
export interface JsonSyntaxProblem {
  message: string;
  line: number;
  column: number;
}

class Scanner {
  at = 0;
  constructor(readonly text: string) {}

  fail(what?: string): never {
    const ch = this.text[this.at];
    throw new JsonStop(what ?? (ch === undefined ? 'Unexpected end of input' : `Unexpected token ${ch}`), this.at);
  }
  skipSpace(): void {
    while (/[ \t\n\r]/.test(this.text[this.at] ?? '')) this.at++;
  }
  expect(ch: string): void {
    this.skipSpace();
    if (this.text[this.at] !== ch) this.fail();
    this.at++;
  }
  value(depth: number): void {
    if (depth > 512) this.fail('Nesting too deep');
    this.skipSpace();
    const ch = this.text[this.at];
    if (ch === '{') return this.container('}', depth, true);
    if (ch === '[') return this.container(']', depth, false);
    if (ch === '"') return this.string();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(this.text.slice(this.at, this.at + 400));
    if (!m) this.fail();
    this.at += m[0].length;
  }
  container(close: string, depth: number, isObject: boolean): void {
    this.at++;
    this.skipSpace();
    if (this.text[this.at] === close) return void this.at++;
    for (;;) {
      if (isObject) {
        this.skipSpace();
        if (this.text[this.at] !== '"') this.fail();
        this.string();
        this.expect(':');
      }
      this.value(depth + 1);
      this.skipSpace();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] === close) return void this.at++;
      else this.fail();
    }
  }
  string(): void {
    this.at++;
    for (;;) {
      const ch = this.text[this.at];
      if (ch === undefined) this.fail('Unterminated string');
      if (ch === '"') return void this.at++;
      if (ch < ' ') this.fail('Bad control character in string');
      if (ch === '\\') {
        const esc = this.text[this.at + 1] ?? '';
        if (esc === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.at + 2, this.at + 6))) this.fail('Bad \\u escape');
          this.at += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(esc) || esc === '') this.fail('Bad escape');
        this.at += 2;
        continue;
      }
      this.at++;
    }
  }
}

class JsonStop {
  constructor(
    readonly message: string,
    readonly at: number,
  ) {}
}

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, at: number): { line: number; column: number } {
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return { line, column: at - before.lastIndexOf('\n') };
}

/** The first syntax error in `text`, or undefined when the text is valid JSON. */
export function locateJsonError(text: string): JsonSyntaxProblem | undefined {
  const s = new Scanner(text);
  try {
    s.value(0);
    s.skipSpace();
    if (s.at < text.length) s.fail();
    return undefined;
  } catch (e) {
    if (!(e instanceof JsonStop)) throw e;
    return { message: e.message, ...lineColumn(text, e.at) };
  }
}
