// Lint rules that catch real bugs in an async server: floating promises, misused promises,
// and imports that point the wrong way between layers (DESIGN.md §1).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layers = {
  core: ['storage', 'lineage', 'api', 'server', 'jobs', 'pipelines', 'sdk', 'cli'],
  storage: ['lineage', 'api', 'server', 'jobs', 'pipelines', 'sdk', 'cli'],
  lineage: ['api', 'server', 'sdk', 'cli'],
  api: ['server', 'sdk', 'cli'],
  server: ['cli', 'sdk'],
  // The SDK is a client: it talks to a server over the wire and never loads one.
  sdk: ['core', 'storage', 'lineage', 'api', 'server', 'cli'],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'web/dist/**', 'bin/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...Object.entries(layers).map(([layer, forbidden]) => ({
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: forbidden.map((f) => ({
            group: [`**/${f}/*`, `../${f}/*`, `../../${f}/*`],
            message: `src/${layer} must not import from src/${f} (dependencies point downward only).`,
          })),
        },
      ],
    },
  })),
);
