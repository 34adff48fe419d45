import { type BookCounts as BookCountsRecord, type BookRecord, createBook, getBook, isBookActive, listBooks, updateBook } from '@coupons/core';
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

  @FieldResolver(() => Boolean, { description: 'Inside its validity window now (server clock).' })
  isActive(@Root() book: BookRecord, @Ctx() ctx: RequestContext): boolean {
    return isBookActive(book, ctx.service.clock.now());
  }

  @FieldResolver(() => BookCounts, { description: 'Coupons per state (batched over every book of the response).' })
  counts(@Root() book: BookRecord, @Ctx() ctx: RequestContext): Promise<BookCountsRecord> {
    return ctx.loaders.bookCounts.load(book.id);
  }
}
