import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Badge } from './badge';
import styles from './badge.module.css';

describe('Badge', () => {
  it('is a status with a neutral tone unless told otherwise, its text the meaning', () => {
    render(<Badge>Locked</Badge>);
    const badge = screen.getByText('Locked');
    expect(badge.tagName).toBe('SPAN');
    expect(badge.className.split(' ')).toEqual([styles.badge, styles.status]);
  });

  it('takes a kind and a tone, and passes its props on', () => {
    render(
      <>
        <Badge tone="success">Active</Badge>
        <Badge kind="count" data-testid="member-count">
          3 members
        </Badge>
        <Badge kind="role" tone="primary" className="extra">
          Admin
        </Badge>
      </>,
    );
    expect(screen.getByText('Active').className.split(' ')).toEqual([styles.badge, styles.status, styles.success]);
    expect(screen.getByTestId('member-count').textContent).toBe('3 members');
    expect(screen.getByTestId('member-count').className.split(' ')).toEqual([styles.badge, styles.count]);
    expect(screen.getByText('Admin').className.split(' ')).toEqual([styles.badge, styles.role, styles.primary, 'extra']);
  });
});
