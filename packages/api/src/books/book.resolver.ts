import {
  archiveBook,
  type BookCounts as BookCountsRecord,
  type BookRecord,
  createBook,
  deleteBook,
  getBook,
  isBookActive,
  listBooks,
  pauseBook,
  redemptionTotals,
  resumeBook,
  updateBook,
} from '@coupons/core';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { type ConnectionShape, toConnection } from '../shared/connection.ts';
import { Shopper } from '../auth/access.decorators.ts';
import type { RequestContext } from '../shared/request-context.ts';
import { BooksArgs, CreateBookInput, UpdateBookInput } from './book.input.ts';
import { Book, BookConnection, BookCounts } from './book.type.ts';

@Resolver(() => Book)
export class BookResolver {
  @Shopper('COUPONS_READ')
  @Query(() => Book, { nullable: true, description: 'A book by id (null if there is none).' })
  book(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<BookRecord | null> {
    return getBook(ctx.service, id);
  }

  @Shopper('COUPONS_READ')
  @Query(() => BookConnection, { description: 'Books, newest first, optionally searched by name.' })
  async books(@Args(() => BooksArgs) args: BooksArgs, @Ctx() ctx: RequestContext): Promise<ConnectionShape<BookRecord>> {
    return toConnection(await listBooks(ctx.service, args), args.after);
  }

  @Authorized('ADMIN')
  @Mutation(() => Book, { description: 'ADMIN: creates a book.' })
  createBook(@Arg('input', () => CreateBookInput) input: CreateBookInput, @Ctx() ctx: RequestContext): Promise<BookRecord> {
    return createBook(ctx.service, input);
  }

  @Authorized('ADMIN')
  @Mutation(() => Book, { description: 'ADMIN: changes a book; omitted fields stay as they are.' })
  updateBook(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateBookInput) input: UpdateBookInput,
    @Ctx() ctx: RequestContext,
  ): Promise<BookRecord> {
    return updateBook(ctx.service, id, input);
  }

  @Authorized('ADMIN')
  @Mutation(() => Book, { description: 'ADMIN: pauses a book: claims, locks and redemptions answer BOOK_NOT_ACTIVE until resumeBook.' })
  pauseBook(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<BookRecord> {
    return pauseBook(ctx.service, id);
  }

  @Authorized('ADMIN')
  @Mutation(() => Book, { description: 'ADMIN: makes a paused or archived book ACTIVE again.' })
  resumeBook(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<BookRecord> {
    return resumeBook(ctx.service, id);
  }

  @Authorized('ADMIN')
  @Mutation(() => Book, { description: 'ADMIN: archives a book: it refuses claims, locks and redemptions and leaves the default lists.' })
  archiveBook(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<BookRecord> {
    return archiveBook(ctx.service, id);
  }

  @Authorized('ADMIN')
  @Mutation(() => Boolean, {
    description: 'ADMIN: deletes a book and its codes, only while none was ever assigned (else INVALID_STATE: archive it instead).',
  })
  deleteBook(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    return deleteBook(ctx.service, id);
  }

  @FieldResolver(() => Boolean, {
    description: 'Serving coupons now: ACTIVE and inside its validity window (server clock).',
  })
  isActive(@Root() book: BookRecord, @Ctx() ctx: RequestContext): boolean {
    return book.status === 'ACTIVE' && isBookActive(book, ctx.service.clock.now());
  }

  @FieldResolver(() => BookCounts, { description: 'Coupons per state (batched over every book of the response).' })
  counts(@Root() book: BookRecord, @Ctx() ctx: RequestContext): Promise<BookCountsRecord> {
    return ctx.loaders.bookCounts.load(book.id);
  }

  // The type declares these two (book.type.ts); a book without a budget has no counters of its
  // own, so its totals come from the slots every redemption keeps (batched like `counts`).
  @FieldResolver()
  async redeemedTotal(@Root() book: BookRecord, @Ctx() ctx: RequestContext): Promise<number> {
    return (await redemptionTotals(book, () => ctx.loaders.bookRedemptionTotals.load(book.id))).redeemedTotal;
  }

  @FieldResolver()
  async discountTotal(@Root() book: BookRecord, @Ctx() ctx: RequestContext): Promise<string> {
    return (await redemptionTotals(book, () => ctx.loaders.bookRedemptionTotals.load(book.id))).discountTotal;
  }
}
