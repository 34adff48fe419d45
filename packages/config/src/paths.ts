import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in packages/config/src). */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Where `pnpm dev` keeps its embedded PostgreSQL cluster and dev secret (git-ignored). */
export const defaultDataDir = path.join(projectRoot, '.data');
