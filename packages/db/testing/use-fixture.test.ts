import { afterAll, describe, expect, it } from 'vitest';
import { useFixture } from './use-fixture.ts';

const stopped: number[] = [];
afterAll(() => {
  expect(stopped).toEqual([1]);
});

describe('useFixture', () => {
  const fixture = useFixture('demo', async () => ({ a: 1, b: 'x', hidden: true }), (value) => void stopped.push(value.a), ['a', 'b']);
  let early: string | undefined;
  try {
    void fixture.a;
  } catch (error) {
    early = (error as Error).message;
  }

  it('refuses a read at load time, naming the fixture', () => {
    expect(early).toBe('demo: read inside a test or hook, after its beforeAll has run');
  });

  it('shows the started value’s listed fields inside tests, and stops it after the file', () => {
    expect({ ...fixture }).toEqual({ a: 1, b: 'x' });
    expect(stopped).toEqual([]);
  });
});
