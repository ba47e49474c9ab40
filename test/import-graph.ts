import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';

/**
 * The relative imports between source files, for test/architecture.test.ts. Files are named by
 * their path from the repository root with forward slashes (`src/http/errors.ts`).
 */

export interface ImportEdge {
  from: string;
  to: string;
  /**
   * `import type` / `export type` and `import('…').T`: erased under verbatimModuleSyntax, so
   * they create no load-time dependency (every layer names the `Deps` type of the composition
   * root, which itself builds module pieces).
   */
  typeOnly: boolean;
}

export interface ImportGraph {
  files: string[];
  edges: ImportEdge[];
  /** Relative specifiers that name no file of the graph: the checks would miss their edges. */
  unresolved: { from: string; specifier: string }[];
}

/** Every non-test `.ts` file under `dir` (relative to `root`), with its text. */
export function readSourceTree(root: string, dir: string): Map<string, string> {
  const sources = new Map<string, string>();
  const walk = (relDir: string): void => {
    for (const entry of readdirSync(join(root, relDir), { withFileTypes: true })) {
      const rel = posix.join(relDir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(rel);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        sources.set(rel, readFileSync(join(root, rel), 'utf8'));
      }
    }
  };
  walk(dir);
  return sources;
}

/** The module specifiers a file names, read from its syntax tree (not from comments or strings). */
export function importsOf(
  fileName: string,
  source: string,
): { specifier: string; typeOnly: boolean }[] {
  const found: { specifier: string; typeOnly: boolean }[] = [];
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false);
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({
        specifier: node.moduleSpecifier.text,
        typeOnly: node.importClause?.isTypeOnly === true,
      });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function resolveRelative(
  from: string,
  specifier: string,
  files: ReadonlyMap<string, string>,
): string | undefined {
  const base = posix.normalize(posix.join(posix.dirname(from), specifier));
  const candidates = [
    base,
    base.replace(/\.js$/, '.ts'),
    `${base}.ts`,
    posix.join(base, 'index.ts'),
  ];
  return candidates.find((candidate) => files.has(candidate));
}

/** The graph of relative imports between the given files (bare specifiers are packages). */
export function buildImportGraph(sources: ReadonlyMap<string, string>): ImportGraph {
  const graph: ImportGraph = { files: [...sources.keys()].sort(), edges: [], unresolved: [] };
  for (const [from, source] of sources) {
    for (const { specifier, typeOnly } of importsOf(from, source)) {
      if (!specifier.startsWith('.')) continue;
      const to = resolveRelative(from, specifier, sources);
      if (to === undefined) graph.unresolved.push({ from, specifier });
      else graph.edges.push({ from, to, typeOnly });
    }
  }
  return graph;
}

function isUnder(file: string, dirs: readonly string[]): boolean {
  return dirs.some((dir) => file.startsWith(`${dir}/`));
}

/** Imports (type-only included) from a file under one of `fromDirs` to a file under `toDir`. */
export function importsAcross(
  graph: ImportGraph,
  fromDirs: readonly string[],
  toDir: string,
): string[] {
  return graph.edges
    .filter((edge) => isUnder(edge.from, fromDirs) && isUnder(edge.to, [toDir]))
    .map((edge) => `${edge.from} imports ${edge.to}${edge.typeOnly ? ' (type only)' : ''}`);
}

/**
 * For each file under `dirs` that can reach itself again through load-time imports, the
 * shortest such path, `a.ts → b.ts → … → a.ts`; one entry per cycle however many of its files
 * lie under `dirs`.
 */
export function cyclesThrough(graph: ImportGraph, dirs: readonly string[]): string[] {
  const next = new Map<string, string[]>();
  for (const edge of graph.edges) {
    if (edge.typeOnly) continue;
    const targets = next.get(edge.from) ?? [];
    targets.push(edge.to);
    next.set(edge.from, targets);
  }
  const cycles = new Map<string, string>();
  for (const start of graph.files) {
    if (!isUnder(start, dirs)) continue;
    // Breadth-first from `start`, remembering each file's predecessor, until `start` comes back.
    const previous = new Map<string, string>();
    const queue = [start];
    let closing: string | undefined;
    for (let i = 0; i < queue.length && closing === undefined; i += 1) {
      const file = queue[i] ?? start;
      for (const target of next.get(file) ?? []) {
        if (target === start) {
          closing = file;
          break;
        }
        if (!previous.has(target)) {
          previous.set(target, file);
          queue.push(target);
        }
      }
    }
    if (closing === undefined) continue;
    const path = [start];
    for (let file = closing; file !== start; file = previous.get(file) ?? start) path.unshift(file);
    path.unshift(start);
    // The same cycle found from another of its files is reported once.
    const key = [...path.slice(1)].sort().join('|');
    if (!cycles.has(key)) cycles.set(key, path.join(' → '));
  }
  return [...cycles.values()];
}
