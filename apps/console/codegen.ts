import fs from 'node:fs';
import path from 'node:path';
import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for the console, generated from the API's checked-in SDL at the repository root
 * (`CONSOLE_SCHEMA=<file>` points elsewhere, e.g. a freshly printed schema). `schema.pending.graphql`
 * adds the few fields the console needs before the API has them; it goes away when they land.
 */
const schemaFile = path.resolve(import.meta.dirname, process.env.CONSOLE_SCHEMA ?? '../../schema.graphql');
const pending = path.resolve(import.meta.dirname, 'schema.pending.graphql');

const config: CodegenConfig = {
  schema: [schemaFile, ...(fs.existsSync(pending) ? [pending] : [])],
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
          JSON: 'unknown',
        },
      },
    },
  },
};

export default config;
