import { describe, expect, it } from 'vitest';
import { scriptStatements } from './script-statements.ts';

describe('scriptStatements (how migration scripts are cut into statements)', () => {
  it('cuts at the semicolons between statements, not inside strings, identifiers, comments or $tag$ bodies', () => {
    const script = [
      `CREATE TABLE "a;b" (note text DEFAULT 'x;y');`,
      '-- a comment; with a semicolon',
      `CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN PERFORM 1; RETURN NULL; END $fn$;`,
      '/* block; comment */ DO $$ BEGIN PERFORM 2; END $$;',
      '',
    ].join('\n');
    expect(scriptStatements(script)).toEqual([
      `CREATE TABLE "a;b" (note text DEFAULT 'x;y')`,
      '-- a comment; with a semicolon\nCREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN PERFORM 1; RETURN NULL; END $fn$',
      '/* block; comment */ DO $$ BEGIN PERFORM 2; END $$',
    ]);
  });

  it('gives nothing for an empty or blank script', () => {
    expect(scriptStatements('')).toEqual([]);
    expect(scriptStatements('  \n\n')).toEqual([]);
  });
});
