import Link from 'next/link';
import { Fragment, type ReactNode } from 'react';

/** Where a page sits: links to the pages above it, then its own name (`aria-current="page"`). */
export function Breadcrumb({ trail, current }: { trail: Array<{ href: string; label: ReactNode }>; current: ReactNode }) {
  return (
    <nav aria-label="Breadcrumb" className="breadcrumb">
      {trail.map((step) => (
        <Fragment key={step.href}>
          <Link href={step.href}>{step.label}</Link> <span aria-hidden="true">/</span>{' '}
        </Fragment>
      ))}
      <span aria-current="page">{current}</span>
    </nav>
  );
}
