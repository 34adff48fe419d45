import type { ReactNode } from 'react';

interface PageHeaderProps {
  /** The page's h1. */
  title: ReactNode;
  titleId?: string;
  titleClassName?: string;
  /** A sentence under the title (nothing when empty). */
  lead?: ReactNode;
  /** What stands beside the title: the page's actions, a live indicator. */
  children?: ReactNode;
}

/** A page's title, its lead and what stands beside them. */
export function PageHeader({ title, titleId, titleClassName, lead, children }: PageHeaderProps) {
  return (
    <div className="page-header">
      <div>
        <h1 id={titleId} className={titleClassName}>
          {title}
        </h1>
        {lead ? <p className="page-header__lead">{lead}</p> : null}
      </div>
      {children}
    </div>
  );
}
