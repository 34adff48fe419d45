import fs from 'node:fs';
import path from 'node:path';
import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for the console. The source of truth is the API's checked-in SDL at the
 * repository root; until that file exists the provisional contract next to this file stands in
 * (so the console can be typed before the API lands).
 */
const checkedInSchema = path.resolve(import.meta.dirname, '../../schema.graphql');
const provisionalSchema = path.resolve(import.meta.dirname, 'schema.provisional.graphql');
// CONSOLE_SCHEMA=provisional forces the stand-in (while the API's schema is half-written).
const schema =
  process.env.CONSOLE_SCHEMA !== 'provisional' && fs.existsSync(checkedInSchema) ? checkedInSchema : provisionalSchema;

const config: CodegenConfig = {
  schema,
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: true,
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        skipTypename: false,
        avoidOptionals: { field: true, inputValue: false },
        defaultScalarType: 'unknown',
        scalars: {
          DateTimeISO: 'string',
          DateTime: 'string',
          JSON: 'unknown',
          JSONObject: 'Record<string, unknown>',
          BigInt: 'string',
        },
      },
    },
  },
};

export default config;
