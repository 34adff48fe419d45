import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as bg from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';
import pg from 'pg';
import { CharAwareClient, withCharColumns } from './char-type.workaround.ts';
import { withScriptStatements } from './script-statements.ts';

export type { SchemaEngine };

let lastPanic: string | undefined;

/** The message of the last panic inside the engine, if any (see loadWasm). */
export function takeEnginePanic(): string | undefined {
  const message = lastPanic;
  lastPanic = undefined;
  return message;
}

// The glue module is a Node-cached singleton, but this file may be evaluated more than once per
// process (vitest runs a global setup per project through separate module runners). A second
// instantiation would swap the glue's memory under a running engine (seen as corrupt UTF-8), so
// the one-time load is keyed on the process, not on this module.
const wasmKey = Symbol.for('coupons.schema-engine-wasm');
type WasmGlobal = typeof globalThis & {
  [wasmKey]?: Promise<void>;
  PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void };
};

// The project's TypeScript libs (ES2023, no DOM) do not declare the WebAssembly global.
const wasmApi = (
  globalThis as unknown as {
    WebAssembly: {
      instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
    };
  }
).WebAssembly;

// The package's entry point does `import * as wasm from "./schema_engine_bg.wasm"`, which Node
// cannot import. So the glue module is imported on its own and the WebAssembly instantiated here,
// once per process (an instance serves any number of engines).
function loadWasm(): Promise<void> {
  const global = globalThis as WasmGlobal;
  global[wasmKey] ??= (async () => {
    const require = createRequire(import.meta.url);
    const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await fs.readFile(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm'));
    // Rust panics report their message through this global before the call fails; without it
    // the glue code itself crashes with "reading 'set_message'" and the message is lost.
    global.PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message(message: string) {
        lastPanic = message;
      },
    };
    const { instance } = await wasmApi.instantiate(bytes, { './schema_engine_bg.js': bg });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
  })();
  return global[wasmKey];
}

/**
 * Session settings for the engine's connections, which migrations read with `current_setting`
 * (e.g. `coupons.default_currency`). Names and values must be plain words: no spaces or quotes.
 */
export type MigrationSettings = Record<`coupons.${string}`, string>;

/** An engine bound to one database, and how to let go of it. */
export interface EngineHandle {
  engine: SchemaEngine;
  dispose(): Promise<void>;
}

/**
 * Starts Prisma's schema engine (WASM build) against the database at `url`, with the schema
 * file given as its datamodel. Always `dispose()` it: it owns a small connection pool.
 */
export async function openSchemaEngine(
  url: string,
  schema: { path: string; content: string },
  settings: MigrationSettings = {},
): Promise<EngineHandle> {
  await loadWasm();
  const options = Object.entries(settings)
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(' ');
  const pool = new pg.Pool({ connectionString: url, max: 2, Client: CharAwareClient, options: options || undefined });
  pool.on('error', () => {}); // an idle client losing its server must not crash the process
  const factory = withScriptStatements(withCharColumns(new PrismaPg(pool)));
  const log = () => {}; // the engine's tracing output is not useful to callers
  try {
    const engine = await bg.SchemaEngine.new(
      { datamodels: [[schema.path, schema.content]] },
      log,
      bindMigrationAwareSqlAdapterFactory(factory),
    );
    return {
      engine,
      async dispose() {
        engine.free();
        await pool.end().catch(() => {});
      },
    };
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
}
