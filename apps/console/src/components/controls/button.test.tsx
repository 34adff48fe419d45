import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { Button, ButtonLink, buttonClassName } from './button';
import styles from './button.module.css';

describe('Button', () => {
  it('is a button that never submits a form unless told to', async () => {
    const onSubmit = vi.fn((event: Event) => event.preventDefault());
    const onClick = vi.fn();
    render(
      <form onSubmit={(event) => onSubmit(event.nativeEvent)}>
        <Button onClick={onClick}>Cancel</Button>
        <Button type="submit" variant="primary">
          Save
        </Button>
      </form>,
    );
    const cancel = screen.getByRole('button', { name: 'Cancel' });
    expect(cancel.getAttribute('type')).toBe('button');
    await userEvent.click(cancel);
    expect(onClick).toHaveBeenCalledOnce();
    expect(onSubmit).not.toHaveBeenCalled();

    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(onSubmit).toHaveBeenCalledOnce();
  });

  it('passes its props on: disabled, an accessible name, a class of the caller', async () => {
    const onClick = vi.fn();
    render(
      <Button size="small" variant="danger" disabled aria-label="Remove ana@example.com" className="extra" onClick={onClick}>
        Remove
      </Button>,
    );
    const button = screen.getByRole('button', { name: 'Remove ana@example.com' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    await userEvent.click(button);
    expect(onClick).not.toHaveBeenCalled();
    expect(button.className.split(' ')).toEqual([styles.button, styles.danger, styles.small, 'extra']);
  });
});

describe('buttonClassName', () => {
  it('adds a class per look: the variant (none for secondary), small, block', () => {
    expect(buttonClassName()).toBe(styles.button);
    expect(buttonClassName({ variant: 'secondary' })).toBe(styles.button);
    expect(buttonClassName({ variant: 'primary', block: true })).toBe(`${styles.button} ${styles.primary} ${styles.block}`);
    expect(buttonClassName({ variant: 'ghost', size: 'small' }, 'more')).toBe(`${styles.button} ${styles.ghost} ${styles.small} more`);
  });
});

describe('ButtonLink', () => {
  it('is a link (navigation) that looks like a button', () => {
    render(
      <ButtonLink variant="primary" href="/books/new">
        New book
      </ButtonLink>,
    );
    const link = screen.getByRole('link', { name: 'New book' });
    expect(link.getAttribute('href')).toBe('/books/new');
    expect(link.className).toBe(`${styles.button} ${styles.primary}`);
  });
});
