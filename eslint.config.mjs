import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const pureLibs = [
  'libs/domain/src/**/*.ts',
  'libs/sentiment/src/**/*.ts',
  'libs/detection/src/**/*.ts',
  'libs/crisis-plan/src/**/*.ts',
  'libs/alerting/src/**/*.ts',
  'libs/sources/src/**/*.ts',
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
);
