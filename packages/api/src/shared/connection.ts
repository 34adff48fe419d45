import type { Page } from '@coupons/core';
import { ArgsType, type ClassType, Field, Int, ObjectType } from 'type-graphql';

/** Relay's PageInfo. Pagination is forward-only (`first`/`after`), so `hasPreviousPage` is informative only. */
@ObjectType('PageInfo', { description: 'Where this page sits in the list (Relay).' })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'True when this page was requested with `after`.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/** The shape a `XConnection` resolver returns (what {@link toConnection} builds). */
export interface ConnectionShape<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
  totalCount: number;
}

/**
 * Declares the `<Name>Edge` and `<Name>Connection` object types of a Relay connection over
 * `nodeType`:
 *
 * ```ts
 * export const UserConnection = createConnectionType('User', User);
 * @Query(() => UserConnection) users(...): Promise<ConnectionShape<UserRecord>>
 * ```
 */
export function createConnectionType<T extends object>(name: string, nodeType: ClassType<T>): ClassType<ConnectionShape<T>> {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String, { description: 'Opaque; pass it as `after` to get the items that follow.' })
    cursor!: string;

    @Field(() => nodeType)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class Connection {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'Every item matching the filters, not just this page.' })
    totalCount!: number;
  }
  return Connection;
}

/** Turns a core `Page` (items with their cursors) into a Relay connection. */
export function toConnection<T>(page: Page<T>, requestedAfter?: string | null): ConnectionShape<T> {
  const edges = page.items.map((node, i) => ({ cursor: page.cursors[i], node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: Boolean(requestedAfter),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: page.totalCount,
  };
}

/**
 * `first` and `after`, shared by every list field. Extend it for filters:
 * `@ArgsType() class UsersArgs extends ConnectionArgs { @Field(() => String, …) emailContains … }`.
 * `first` is validated by core (`pageSize`: 1..100, default 20); the query cost limit charges a
 * list by its `first` too.
 */
@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: 'How many items (1..100, default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The cursor of the last item of the previous page.' })
  after?: string | null;
}
