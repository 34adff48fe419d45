import path from 'node:path';
import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for the console, generated from the API's checked-in SDL at the repository root
 * (`CONSOLE_SCHEMA=<file>` points elsewhere, e.g. a freshly printed schema of work in progress).
 * `pnpm codegen:check` (run by `pnpm test:e2e`) fails when src/gql is stale or a document no
 * longer validates against the schema.
 */
const schemaFile = path.resolve(import.meta.dirname, process.env.CONSOLE_SCHEMA ?? '../../schema.graphql');

const config: CodegenConfig = {
  schema: schemaFile,
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: true,
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        avoidOptionals: { field: true, inputValue: false },
        defaultScalarType: 'unknown',
        scalars: {
          DateTime: 'string',
          // Money: a decimal string ("12.50"), never a float.
          Decimal: 'string',
          JSON: 'unknown',
        },
      },
    },
  },
};

export default config;
