import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { CharCounter, JsonSizeCounter } from './char-counter';

describe('CharCounter and JsonSizeCounter', () => {
  it('count characters, and say when a value is past the limit', () => {
    const { container } = render(<CharCounter value={'x'.repeat(201)} max={200} />);
    expect(screen.getByText('201 of 200 characters: 1 too many')).toBeTruthy();
    expect(container.querySelector('span')?.className).toMatch(/over/);
  });

  it('measure JSON as the API does: compact UTF-8, against 16 KB', () => {
    render(<JsonSizeCounter value={`{\n  "a": "${'é'.repeat(1024)}"\n}`} />);
    // 2,048 bytes of é plus {"a":""} (8 bytes): the indentation typed does not count.
    expect(screen.getByText('2 of 16 KB')).toBeTruthy();
  });

  it('says when notes are too large, even while they are not JSON yet', () => {
    render(<JsonSizeCounter value={`{ "blob": "${'x'.repeat(17_000)}`} />);
    expect(screen.getByText('16.6 of 16 KB: too large')).toBeTruthy();
  });
});
