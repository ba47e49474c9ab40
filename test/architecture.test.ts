import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildImportGraph, cyclesThrough, importsAcross, readSourceTree } from './import-graph.ts';

// src/http and src/lib are shared by every module, so they must not depend on any: authentication,
// which needs users and keys, is the module src/modules/auth, not part of src/http.
const SHARED = ['src/http', 'src/lib'];

const root = fileURLToPath(new URL('..', import.meta.url));
const graph = buildImportGraph(readSourceTree(root, 'src'));

describe('the layers of src/', () => {
  it('resolves every relative import of src/ to a source file', () => {
    expect(graph.edges.length).toBeGreaterThan(100);
    expect(graph.unresolved).toEqual([]);
  });

  it('has src/http and src/lib import nothing from src/modules', () => {
    expect(importsAcross(graph, SHARED, 'src/modules')).toEqual([]);
  });

  it('has no import cycle passing through src/http or src/lib', () => {
    expect(cyclesThrough(graph, SHARED)).toEqual([]);
  });
});

describe('the import checks', () => {
  // The shape src/ had before src/modules/auth: the transport importing the modules that
  // import it back.
  const tangled = buildImportGraph(
    new Map([
      ['src/deps.ts', "import { UserCache } from './modules/users/index.ts';\n"],
      ['src/lib/errors.ts', 'export class AppError extends Error {}\n'],
      [
        'src/http/auth.ts',
        [
          "import type { Deps } from '../deps.ts';",
          "import { AppError } from '../lib/errors.ts';",
          "import { authenticateBearer, type UserRow } from '../modules/users/index.ts';",
          "// import { x } from '../modules/games/index.ts';",
          'const example = "from \'../modules/games/index.ts\'";',
        ].join('\n'),
      ],
      [
        'src/modules/users/index.ts',
        "export { authRoutes } from './users.routes.ts';\nexport type { X } from './types.ts';\n",
      ],
      ['src/modules/users/types.ts', "import type { Deps } from '../../deps.ts';\n"],
      ['src/modules/users/users.routes.ts', "import { requireUser } from '../../http/auth.ts';\n"],
    ]),
  );

  it('reports an import from a shared layer into src/modules, and only real imports', () => {
    expect(importsAcross(tangled, SHARED, 'src/modules')).toEqual([
      'src/http/auth.ts imports src/modules/users/index.ts',
    ]);
  });

  it('reports the path of a cycle through src/http', () => {
    expect(cyclesThrough(tangled, SHARED)).toEqual([
      'src/http/auth.ts → src/modules/users/index.ts → src/modules/users/users.routes.ts → src/http/auth.ts',
    ]);
  });

  it('ignores cycles among modules alone and cycles closed only by type imports', () => {
    const between = buildImportGraph(
      new Map([
        ['src/http/rate-guard.ts', "import type { Deps } from '../deps.ts';\n"],
        ['src/deps.ts', "import { ApiKeyCache } from './modules/api-keys/index.ts';\n"],
        ['src/modules/api-keys/index.ts', "import { requireUser } from '../auth/index.ts';\n"],
        [
          'src/modules/auth/index.ts',
          "import { authenticateApiKey } from '../api-keys/index.ts';\nimport { enforceRateLimit } from '../../http/rate-guard.ts';\n",
        ],
      ]),
    );
    expect(cyclesThrough(between, SHARED)).toEqual([]);
    expect(between.edges).toContainEqual({
      from: 'src/http/rate-guard.ts',
      to: 'src/deps.ts',
      typeOnly: true,
    });
  });

  it('resolves index.ts, .js and dynamic specifiers and lists the ones naming no file', () => {
    const resolved = buildImportGraph(
      new Map([
        [
          'src/a.ts',
          "import { b } from './b.js';\nexport * from './c';\nconst d = await import('./d.ts');\nimport './missing.ts';\n",
        ],
        ['src/b.ts', ''],
        ['src/c/index.ts', ''],
        ['src/d.ts', ''],
      ]),
    );
    expect(resolved.edges.map((edge) => edge.to)).toEqual([
      'src/b.ts',
      'src/c/index.ts',
      'src/d.ts',
    ]);
    expect(resolved.unresolved).toEqual([{ from: 'src/a.ts', specifier: './missing.ts' }]);
  });
});
