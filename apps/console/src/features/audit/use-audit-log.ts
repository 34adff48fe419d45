'use client';

import { graphql } from '@/gql';
import type { AuditTargetType } from '@/gql/graphql';
import { usePagedQuery } from '@/lib/apollo/use-paged-query';

const PAGE = 50;

export const AuditLogQuery = graphql(`
  query AuditLog($filter: AuditLogFilter, $first: Int, $after: String) {
    auditLog(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        ...NextPage
      }
      edges {
        cursor
        node {
          ...AuditLogRow
        }
      }
    }
  }
`);

export interface AuditFilter {
  targetType: AuditTargetType | null;
  /** An action name (BOOK_PAUSED); blank: every action. */
  action: string;
}

/** The audit log, newest first, filtered by target type and action, a page at a time (`start`: the cursor the page starts after). */
export function useAuditLog({ targetType, action }: AuditFilter, { pageSize = PAGE, start = null }: { pageSize?: number; start?: string | null } = {}) {
  const filter = { targetType, action: action.trim().toUpperCase() || null };
  return usePagedQuery(AuditLogQuery, { variables: { filter }, pageSize, start, connection: (data) => data.auditLog });
}
