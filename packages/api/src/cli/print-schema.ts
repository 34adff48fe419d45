import fs from 'node:fs';
import { buildApiSchema, printApiSchema } from '../server/schema.ts';
import { SCHEMA_FILE } from '../server/schema-file.ts';

/** `pnpm schema:print`: writes the schema built from the resolvers to `schema.graphql`. */
async function printSchemaFile(): Promise<void> {
  const sdl = printApiSchema(await buildApiSchema());
  const previous = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, 'utf8') : '';
  fs.writeFileSync(SCHEMA_FILE, sdl);
  console.log(previous === sdl ? `${SCHEMA_FILE} is up to date` : `Wrote ${SCHEMA_FILE}`);
}

printSchemaFile().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
