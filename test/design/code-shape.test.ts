import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

// The shape issue 23 set for the code: a root that composes, short functions, and no reaching
// into a child or asserting a part into existence.
const SRC = path.join(__dirname, '..', '..', 'src');
const ROOT = path.join(SRC, 'secure-container-chatbot.ts');

interface FunctionSpan {
  readonly where: string;
  readonly lines: number;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

function functionSpans(file: string): FunctionSpan[] {
  const source = parse(file);
  const spans: FunctionSpan[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const name = (node as ts.FunctionLikeDeclaration).name?.getText() ?? (ts.isConstructorDeclaration(node) ? 'constructor' : '(anonymous)');
      spans.push({ where: `${path.relative(SRC, file)}:${start + 1} ${name}`, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return spans;
}

test('no function in src/ is longer than 150 lines', () => {
  const spans = sourceFiles(SRC).flatMap(functionSpans);
  expect(spans.length).toBeGreaterThan(100);
  expect(spans.filter((s) => s.lines > 150)).toEqual([]);
});

test('the root constructor is a list of compose calls of at most 120 lines', () => {
  const constructors = functionSpans(ROOT).filter((s) => s.where.endsWith(' constructor'));
  expect(constructors).toHaveLength(1);
  expect(constructors[0].lines).toBeLessThanOrEqual(120);
});

test('the root never tests the ingress variant, calls findChild or asserts a part non-null', () => {
  const source = parse(ROOT);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isNonNullExpression(node)) {
      found.push(`non-null assertion: ${node.getText()}`);
    }
    if (ts.isPropertyAccessExpression(node) && ['findChild', 'tryFindChild', 'variant', 'cloudFrontOptions', 'httpApiOptions'].includes(node.name.text)
      && !ts.isJSDoc(node.parent)) {
      found.push(`${node.name.text}: ${node.getText()}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  // The getters kept for 1.0 name the variant in their error messages only.
  expect(found.filter((f) => !f.startsWith('variant: this.ingress.variant'))).toEqual([]);
});
