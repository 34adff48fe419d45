import {
  cancelCodeJob,
  type CodeJobProgress as CodeJobProgressRecord,
  type GenerateCodesResult as GenerateCodesRecord,
  generateCodes,
  getCodeJob,
  resumeCodeJob,
  type UploadCodesResult as UploadCodesRecord,
  uploadCodes,
} from '@coupons/core';
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../shared/request-context.ts';
import { CodeJobProgress, GenerateCodesInput, GenerateCodesResult, UploadCodesResult } from './code.type.ts';
import { openUploadedFile, type PendingUpload, UploadScalar } from './code.upload-file.ts';

@Resolver()
export class CodeResolver {
  @Authorized('ADMIN')
  @Mutation(() => UploadCodesResult, {
    description:
      'ADMIN: adds codes to a book from a list, a CSV string or a CSV file (first column, or the column named "code"): exactly one of codes, csv and file. All valid codes go in one transaction; bad and duplicate lines are reported.',
  })
  async uploadCodes(
    @Arg('bookId', () => ID) bookId: string,
    @Arg('codes', () => [String], { nullable: true }) codes: string[] | null,
    @Arg('csv', () => String, { nullable: true }) csv: string | null,
    @Ctx() ctx: RequestContext,
    @Arg('file', () => UploadScalar, {
      nullable: true,
      description:
        'A CSV file of any size, sent as a GraphQL multipart request (with an `apollo-require-preflight` header): streamed into the book in constant memory as `POST /import/books/:bookId/codes` does (at most 20,000,000 lines). The answer waits for the import to end; the full report is at `/import/jobs/<jobId>/report.csv`.',
    })
    file?: PendingUpload | null,
  ): Promise<UploadCodesRecord> {
    const upload = file ? openUploadedFile(file) : null;
    try {
      return await uploadCodes(ctx.service, { bookId, codes, csv, file: upload?.body }, jobOptions(ctx));
    } finally {
      upload?.close();
    }
  }

  @Authorized('ADMIN')
  @Mutation(() => GenerateCodesResult, { description: 'ADMIN: generates random codes into a book, in chunks, with live progress.' })
  generateCodes(
    @Arg('bookId', () => ID) bookId: string,
    @Arg('input', () => GenerateCodesInput) input: GenerateCodesInput,
    @Ctx() ctx: RequestContext,
  ): Promise<GenerateCodesRecord> {
    return generateCodes(ctx.service, bookId, input, jobOptions(ctx));
  }

  @Authorized('ADMIN')
  @Mutation(() => GenerateCodesResult, {
    description:
      'ADMIN: resumes a FAILED generate job in the background (status RUNNING; follow `codeJob`): the codes it inserted stay, the rest of the count is generated. A job whose API process died is resumed automatically; this is for one that failed.',
  })
  resumeCodeJob(@Arg('jobId', () => ID) jobId: string, @Ctx() ctx: RequestContext): Promise<GenerateCodesRecord> {
    return resumeCodeJob(ctx.service, jobId, jobOptions(ctx));
  }

  @Authorized('ADMIN')
  @Mutation(() => CodeJobProgress, {
    description:
      'ADMIN: cancels a RUNNING generate or upload job (status CANCELLED). An upload rolls back (nothing inserted); a generation keeps the codes it committed. BAD_USER_INPUT for a job that already ended.',
  })
  cancelCodeJob(@Arg('jobId', () => ID) jobId: string, @Ctx() ctx: RequestContext): Promise<CodeJobProgressRecord> {
    return cancelCodeJob(ctx.service, jobId);
  }

  @Authorized('ADMIN')
  @Query(() => CodeJobProgress, { nullable: true, description: 'ADMIN: the stored progress of a generate/upload job.' })
  codeJob(@Arg('jobId', () => ID) jobId: string, @Ctx() ctx: RequestContext): Promise<CodeJobProgressRecord | null> {
    return getCodeJob(ctx.service, jobId);
  }
}

/** How this process runs code jobs (the heartbeat period from the configuration). */
function jobOptions(ctx: RequestContext) {
  return { heartbeatIntervalMs: ctx.config.CODE_JOB_HEARTBEAT_INTERVAL_MS };
}
