import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Every rule ID a test name cites (DEC-15, APP-8…) is defined in docs/rules.md, so a reader who
 * meets one in a test can look it up. Test names are the first argument of it/test/describe (and
 * of `run` in the browser suite), read from the source with TypeScript's parser.
 */

/** An ID: two to four capitals, a dash, one or two digits; not a version such as "PDF-1.4". */
const ID = /\b([A-Z]{2,4})-(\d{1,2})\b(?!\.\d)/g;

/** Things shaped like an ID that are not rules: encodings, standards, grade spans. */
const NOT_RULES = new Set(['UTF', 'WCAG', 'TK', 'PDF', 'SHA', 'ISO', 'RFC', 'HTTP', 'TLS', 'AES']);

/** The functions whose first argument is a test's name. */
const TEST_CALLS = new Set(['it', 'test', 'describe', 'suite']);

interface Citation { id: string; file: string; name: string }

/** `it`, `it.each([…])`, `describe.skip`, `it.skipIf(x)`: the identifier the call starts from. */
function rootName(expr: ts.Expression): string | undefined {
  if (ts.isIdentifier(expr)) return expr.text;
  if (ts.isPropertyAccessExpression(expr)) return rootName(expr.expression);
  if (ts.isCallExpression(expr)) return rootName(expr.expression);
  return undefined;
}

/** The test names of one file's source and the IDs they cite; `run(` counts in the browser suite. */
function citationsIn(file: string, source: string, alsoRun = false): Citation[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: Citation[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && node.arguments.length > 0) {
      const root = rootName(node.expression);
      if (root && (TEST_CALLS.has(root) || (alsoRun && root === 'run'))) {
        const name = node.arguments[0].getText(sf);
        for (const m of name.matchAll(ID)) {
          if (!NOT_RULES.has(m[1])) out.push({ id: m[0], file, name: name.slice(0, 120) });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

interface Rules { built: Set<string>; notBuilt: Set<string> }

/**
 * The IDs docs/rules.md defines: a heading or a bold ID at the start of a line ("### DEC-15 Silence",
 * "- **DEC-15** Silence is a denial."). Those under a heading "Not built yet" are listed in the
 * rules but nothing implements them.
 */
function definedRules(markdown: string): Rules {
  const rules: Rules = { built: new Set(), notBuilt: new Set() };
  let notBuilt = false;
  for (const line of markdown.split('\n')) {
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const id = /^\s*(?:#{1,6}\s+|[-*]\s+)?\*{0,2}([A-Z]{2,4}-\d{1,2})\b/.exec(line);
    if (heading && /not built yet/i.test(heading[2])) notBuilt = true;
    else if (heading && heading[1].length <= 2) notBuilt = false;
    if (id && (heading || line.includes(`**${id[1]}**`))) (notBuilt ? rules.notBuilt : rules.built).add(id[1]);
  }
  return rules;
}

/** The citations docs/rules.md does not back, each with why. */
function problems(citations: Citation[], rules: Rules): string[] {
  const prefixes = new Set([...rules.built, ...rules.notBuilt].map((id) => id.split('-')[0]));
  const out: string[] = [];
  for (const c of citations) {
    const prefix = c.id.split('-')[0];
    if (rules.built.has(c.id)) continue;
    const why = rules.notBuilt.has(c.id)
      ? 'is listed under "Not built yet" in docs/rules.md: move it up with the rules the project implements'
      : prefixes.has(prefix)
        ? 'is not defined in docs/rules.md'
        : `has a prefix (${prefix}) that docs/rules.md does not define`;
    out.push(`${c.id} ${why} — cited in ${c.file}: ${c.name}`);
  }
  return [...new Set(out)].sort();
}

/** The *.test.ts(x) files under test/ and src/, and the browser suite's files under e2e/. */
function filesCitingRules(): { file: string; alsoRun: boolean }[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return e.name === 'node_modules' ? [] : walk(p);
      return [p];
    });
  const tests = [...walk('test'), ...walk('src')].filter((f) => /\.test\.tsx?$/.test(f));
  const e2e = walk('e2e').filter((f) => /\.tsx?$/.test(f));
  return [...tests.map((file) => ({ file, alsoRun: false })), ...e2e.map((file) => ({ file, alsoRun: true }))];
}

describe('rule IDs cited in test names are defined in docs/rules.md', () => {
  it('every rule ID a test name cites is defined in docs/rules.md', () => {
    const rules = definedRules(fs.readFileSync('docs/rules.md', 'utf8'));
    expect(rules.built.size).toBeGreaterThan(50);
    const citations = filesCitingRules().flatMap(({ file, alsoRun }) => citationsIn(file.split(path.sep).join('/'), fs.readFileSync(file, 'utf8'), alsoRun));
    // The check reads real names: the suite cites rules from every group.
    expect(new Set(citations.map((c) => c.id.split('-')[0]))).toEqual(new Set(['ACC', 'STU', 'APP', 'DOC', 'DEC', 'PRV', 'LNG', 'XCH', 'WDR', 'ENR', 'ATT']));
    expect(problems(citations, rules)).toEqual([]);
  });

  it('an ID that docs/rules.md does not define is reported with the file that cites it', () => {
    const rules = definedRules([
      '# Rules',
      '## Decisions (DEC)',
      '- **DEC-15** Silence is a denial. Source: EC 46600.1(d)(1).',
      '### DEC-3 Decision deadlines',
      '## Not built yet',
      '- **ENR-1** Enrollment is immediate.',
    ].join('\n'));
    expect([...rules.built].sort()).toEqual(['DEC-15', 'DEC-3']);
    expect([...rules.notBuilt]).toEqual(['ENR-1']);

    const sample = `
      import { describe, it } from 'vitest';
      describe('DEC-15 silence is a denial', () => {
        it('DEC-99 a rule nobody wrote down', () => {});
        it.each([1, 2])('QQQ-4 a prefix nobody defined, case %i', () => {});
        it(\`DEC-3 the deadline on \${'UTF-8'} pages, with a PDF-1.4 letter and a TK-5 school\`, () => {});
        it('ENR-1 enrolls at once', () => {});
      });
      // DEC-98 in a comment is not a test name.
      const x = 'DEC-97';
    `;
    const citations = citationsIn('test/sample.test.ts', sample);
    expect(citations.map((c) => c.id)).toEqual(['DEC-15', 'DEC-99', 'QQQ-4', 'DEC-3', 'ENR-1']);
    expect(problems(citations, rules)).toEqual([
      'DEC-99 is not defined in docs/rules.md — cited in test/sample.test.ts: \'DEC-99 a rule nobody wrote down\'',
      'ENR-1 is listed under "Not built yet" in docs/rules.md: move it up with the rules the project implements — cited in test/sample.test.ts: \'ENR-1 enrolls at once\'',
      'QQQ-4 has a prefix (QQQ) that docs/rules.md does not define — cited in test/sample.test.ts: \'QQQ-4 a prefix nobody defined, case %i\'',
    ]);
    // The browser suite's names are passed to run(…).
    expect(citationsIn('e2e/run.ts', `await run('DEC-99 hand-off', () => go());`, true).map((c) => c.id)).toEqual(['DEC-99']);
  });
});
