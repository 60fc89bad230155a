import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * One vitest project per workspace package (`packages/<name>` → project `<name>`), each
 * running its mirrored `test/` tree. Tests import workspace packages by name
 * (`@mandate/core`); the `mandate-source` export condition resolves them to `src/` so no build is
 * needed.
 */
const root = import.meta.dirname;
const packageDirs = readdirSync(join(root, 'packages'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'packages', d.name, 'package.json')))
  .map((d) => d.name)
  .sort();

export default defineConfig({
  resolve: { conditions: ['mandate-source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['mandate-source', ...defaultServerConditions] } },
  test: {
    projects: packageDirs.map((name) => ({
      extends: true,
      test: {
        name,
        root: `packages/${name}`,
        include: ['test/**/*.test.ts'],
        environment: 'node',
      },
    })),
  },
});
