import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import ts from 'typescript';
import { CATALOGS } from '../../dashboard/src/i18n/catalogs/index.ts';
import { PACKAGE_ROOT } from '../../src/config/load.ts';
import type { DashboardLanguage } from '../../src/protocol.ts';

export { CATALOGS };

type Ast = ReturnType<IntlMessageFormat['getAst']>;
type Element = Ast[number];

/** Walks a parsed ICU message: every literal text and every argument name, plural branches included. */
function walk(ast: Ast, literal: (text: string) => void, argument: (name: string) => void): void {
  for (const el of ast as Element[]) {
    if ('value' in el && el.type === 0) literal(el.value as string);
    if ('value' in el && el.type !== 0 && typeof el.value === 'string') argument(el.value);
    if ('options' in el) {
      for (const option of Object.values(el.options as Record<string, { value: Ast }>)) {
        walk(option.value, literal, argument);
      }
    }
    if ('children' in el) walk(el.children as Ast, literal, argument);
  }
}

/** The literal texts of one message (split at its arguments) and the arguments it takes. */
export function parts(message: string, locale: string): { literals: string[]; args: Set<string> } {
  const literals: string[] = [];
  const args = new Set<string>();
  walk(
    new IntlMessageFormat(message, locale).getAst(),
    (t) => literals.push(t),
    (a) => args.add(a),
  );
  return { literals, args };
}

/** Every piece of fixed text one language's catalogue can put on a page. */
export function catalogueFragments(language: DashboardLanguage): string[] {
  const out = new Set<string>();
  for (const message of Object.values(CATALOGS[language])) {
    for (const literal of parts(message, language).literals) {
      const text = literal.replace(/\s+/gu, ' ').trim();
      if (/\p{L}/u.test(text)) out.add(text);
    }
  }
  return [...out].sort((a, b) => b.length - a.length);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What is left of a shown text once the data it shows (board names, slot names, daemon messages),
 * the catalogue's fixed texts and the locale's own date words are taken out: letters left over are
 * words that came from no catalogue of this language.
 */
export function unexplained(text: string, data: readonly string[], fragments: readonly string[]): string {
  let rest = text.replace(/\s+/gu, ' ');
  // whole words only: "ms" must not excuse "items", a slot named "bench" not "benchsight"
  const remove = (piece: string) => {
    const before = /^\p{L}/u.test(piece) ? '(?<!\\p{L})' : '';
    const after = /\p{L}$/u.test(piece) ? '(?!\\p{L})' : '';
    rest = rest.replace(new RegExp(`${before}${escapeRegExp(piece)}${after}`, 'gu'), ' ');
  };
  // longest first, data and catalogue together: a short word of data must not break up a sentence
  const pieces = [...data.map((d) => d.replace(/\s+/gu, ' ').trim()), ...fragments].filter(Boolean);
  for (const piece of pieces.sort((a, b) => b.length - a.length)) remove(piece);
  return rest.replace(/[^\p{L}]+/gu, ' ').trim();
}

export const DASHBOARD_SRC = join(PACKAGE_ROOT, 'dashboard', 'src');

export function dashboardSources(): string[] {
  return readdirSync(DASHBOARD_SRC, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => !f.includes(`${join('i18n', 'catalogs')}`));
}

/** Attributes and props whose value a person reads or hears. */
const SHOWN_PROPS = new Set([
  'title',
  'alt',
  'aria-label',
  'placeholder',
  'label',
  'hint',
  'message',
  'confirmLabel',
]);
/** Words that are the same in every language: the product's name. */
const NAMES = new Set(['benchsight']);

export interface SourceScan {
  /** Message ids named in the code: literal ids, and `prefix.${...}` templates as `prefix.*`. */
  ids: Set<string>;
  prefixes: Set<string>;
  /** Text a person would see that is written in the code instead of a catalogue. */
  hardCoded: string[];
}

const sentence = /\p{L}{2,}[\s,]+\p{L}/u;

/**
 * The build-time half of the check: reads every dashboard source with the TypeScript parser and
 * lists the message ids it uses and any text shown to people that bypasses the catalogues (JSX
 * text, shown attributes, sentences in strings). Errors thrown for developers (`new Error`) and
 * strings compared against (`reason === 'io server disconnect'`) are not shown text.
 */
export function scanSources(
  files: { file: string; text: string }[] = dashboardSources().map((file) => ({
    file,
    text: readFileSync(file, 'utf8'),
  })),
): SourceScan {
  const ids = new Set<string>();
  const prefixes = new Set<string>();
  const hardCoded: string[] = [];
  for (const { file, text } of files) {
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
    const where = (node: ts.Node) =>
      `${relative(PACKAGE_ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const exempt = (node: ts.Node): boolean => {
      for (let p: ts.Node | undefined = node.parent; p; p = p.parent) {
        if (ts.isImportDeclaration(p) || ts.isExportDeclaration(p)) return true;
        if (ts.isNewExpression(p) && /Error$/.test(p.expression.getText())) return true;
        if (ts.isBinaryExpression(p) && /^[!=]==?$/.test(p.operatorToken.getText())) return true;
        if (ts.isJsxAttribute(p)) return !SHOWN_PROPS.has(p.name.getText());
        if (ts.isCallExpression(p) || ts.isJsxElement(p) || ts.isJsxSelfClosingElement(p)) return false;
      }
      return false;
    };
    const visit = (node: ts.Node) => {
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
        ids.add(node.text);
        const inShownProp =
          ts.isJsxAttribute(node.parent) &&
          ts.isStringLiteral(node) &&
          ts.isJsxAttribute(node.parent) &&
          SHOWN_PROPS.has(node.parent.name.getText()) &&
          /\p{L}/u.test(node.text);
        if (inShownProp || (sentence.test(node.text) && !exempt(node))) {
          hardCoded.push(`${where(node)} "${node.text}"`);
        }
      } else if (ts.isTemplateExpression(node)) {
        prefixes.add(node.head.text);
        const chunks = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ');
        const attr = ts.isJsxExpression(node.parent) ? node.parent.parent : undefined;
        const inShownProp =
          attr !== undefined &&
          ts.isJsxAttribute(attr) &&
          SHOWN_PROPS.has(attr.name.getText()) &&
          /\p{L}/u.test(chunks);
        if (inShownProp || (sentence.test(chunks) && !exempt(node)))
          hardCoded.push(`${where(node)} \`${chunks.replace(/\s+/g, ' ')}\``);
      } else if (ts.isJsxText(node)) {
        const words = node.text.replace(/\s+/g, ' ').trim();
        if (/\p{L}/u.test(words) && !NAMES.has(words)) hardCoded.push(`${where(node)} ${words}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { ids, prefixes, hardCoded };
}
