import {
  type CodeJobProgress as CodeJobProgressRecord,
  type GenerateCodesResult as GenerateCodesRecord,
  generateCodes,
  getCodeJob,
  type UploadCodesResult as UploadCodesRecord,
  uploadCodes,
} from '@coupons/core';
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../shared/request-context.ts';
import { CodeJobProgress, GenerateCodesInput, GenerateCodesResult, UploadCodesResult } from './code.type.ts';

@Resolver()
export class CodeResolver {
  @Authorized('ADMIN')
  @Mutation(() => UploadCodesResult, {
    description: 'ADMIN: adds codes to a book from a list or a CSV (first column, or the column named "code"). All valid codes go in one transaction; bad and duplicate lines are reported.',
  })
  uploadCodes(
    @Arg('bookId', () => ID) bookId: string,
    @Arg('codes', () => [String], { nullable: true }) codes: string[] | null,
    @Arg('csv', () => String, { nullable: true }) csv: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<UploadCodesRecord> {
    return uploadCodes(ctx.service, { bookId, codes, csv });
  }

  @Authorized('ADMIN')
  @Mutation(() => GenerateCodesResult, { description: 'ADMIN: generates random codes into a book, in chunks, with live progress.' })
  generateCodes(
    @Arg('bookId', () => ID) bookId: string,
    @Arg('input', () => GenerateCodesInput) input: GenerateCodesInput,
    @Ctx() ctx: RequestContext,
  ): Promise<GenerateCodesRecord> {
    return generateCodes(ctx.service, bookId, input);
  }

  @Authorized('ADMIN')
  @Query(() => CodeJobProgress, { nullable: true, description: 'ADMIN: the stored progress of a generate/upload job.' })
  codeJob(@Arg('jobId', () => ID) jobId: string, @Ctx() ctx: RequestContext): Promise<CodeJobProgressRecord | null> {
    return getCodeJob(ctx.service, jobId);
  }
}
