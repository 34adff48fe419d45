import path from 'node:path';
import { projectRoot } from '@coupons/config';

/** Where the checked-in SDL lives (`pnpm schema:print` writes it; a test compares against it). */
export const SCHEMA_FILE = path.join(projectRoot, 'schema.graphql');
