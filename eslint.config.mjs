import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const pureLibs = [
  'libs/domain/src/**/*.ts',
  'libs/sentiment/src/**/*.ts',
  'libs/detection/src/**/*.ts',
  'libs/crisis-plan/src/**/*.ts',
  'libs/alerting/src/**/*.ts',
  'libs/sources/src/**/*.ts',
  'libs/reply-queue/src/**/*.ts',
  'libs/access/src/**/*.ts',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.tocsin/**',
      'coverage/**',
      '**/*.js',
      '**/*.mjs',
      'apps/gateway/public/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': 'error',
    },
  },
  {
    // Domain logic is pure: no framework, no broker, no store, no file, no environment, no clock.
    files: pureLibs,
    ignores: ['**/*.spec.ts', 'libs/crisis-plan/src/plan.loader.ts', 'libs/sources/src/sources.loader.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['kafkajs', 'ioredis', 'fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'socket.io'],
          patterns: ['@nestjs/*', '@tocsin/kafka', '@tocsin/redis', '@tocsin/plan-source'],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Pure code takes its settings as arguments.' },
        { object: 'Date', property: 'now', message: 'Pure code takes a clock or a time argument.' },
        { object: 'Math', property: 'random', message: 'Pure code takes its randomness as an argument.' },
      ],
    },
  },
  {
    // The browser pages: DOM globals, no Node. A lib's index reaches its Node adapters, so values
    // come from the lib's pure file and only types from its index.
    files: ['apps/gateway/web/**/*.ts'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-globals': ['error', 'process', 'require', 'Buffer', '__dirname', 'global'],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...['kafkajs', 'ioredis', 'natural', 'fs', 'socket.io', 'express', 'pino', 'zod'].map((name) => ({
              name,
              message: 'Node-only or server-side module: the pages must not bundle it.',
            })),
            ...['domain', 'crisis-plan', 'alerting', 'kafka', 'redis', 'plan-source', 'observability'].map((lib) => ({
              name: `@tocsin/${lib}`,
              allowTypeImports: true,
              message: `import values from a pure file (@tocsin/${lib}/<file>): the index pulls Node code into the bundle.`,
            })),
          ],
          patterns: [
            { group: ['node:*', '@nestjs/*'], message: 'Node-only module: the pages must not bundle it.' },
            { group: ['**/src/*'], allowTypeImports: true, message: 'the pages take only types from the server code.' },
          ],
        },
      ],
    },
  },
);
