import { type BookActivity as BookActivityRecord, type BookRecord, busiestBooks, MAX_PINNED_BOOKS, pinBook, pinnedBooks, unpinBook } from '@coupons/core';
import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../shared/request-context.ts';
import { Book } from './book.type.ts';
import { BookActivity, BusiestBooksArgs } from './live-books.type.ts';

/** What the console's Live page watches: the busiest books, computed here, and each admin's pins. */
@Resolver()
export class LiveBooksResolver {
  @Authorized('ADMIN')
  @Query(() => [BookActivity], {
    description:
      'ADMIN: the books with the most coupon events in the last `window` seconds, most first (ties: the latest event first). Books without an event in the window are left out, so the list may be shorter than `first`.',
  })
  busiestBooks(@Args(() => BusiestBooksArgs) args: BusiestBooksArgs, @Ctx() ctx: RequestContext): Promise<BookActivityRecord[]> {
    return busiestBooks(ctx.service, args);
  }

  @Authorized('ADMIN')
  @Query(() => [Book], { description: 'ADMIN (signed in, not an API key): the books you pinned to the Live page, in the order you pinned them.' })
  pinnedBooks(@Ctx() ctx: RequestContext): Promise<BookRecord[]> {
    return pinnedBooks(ctx.service);
  }

  @Authorized('ADMIN')
  @Mutation(() => [Book], {
    description: `ADMIN (signed in, not an API key): pins a book to your Live page and answers your pinned books. Pinning it again changes nothing; at most ${MAX_PINNED_BOOKS} (BAD_USER_INPUT beyond).`,
  })
  pinBook(@Arg('bookId', () => ID) bookId: string, @Ctx() ctx: RequestContext): Promise<BookRecord[]> {
    return pinBook(ctx.service, bookId);
  }

  @Authorized('ADMIN')
  @Mutation(() => [Book], { description: 'ADMIN (signed in, not an API key): unpins a book from your Live page and answers your pinned books.' })
  unpinBook(@Arg('bookId', () => ID) bookId: string, @Ctx() ctx: RequestContext): Promise<BookRecord[]> {
    return unpinBook(ctx.service, bookId);
  }
}
