import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';

/** The GraphQL `CodeJobStatus` enum. */
export const CodeJobStatusEnum = { RUNNING: 'RUNNING', COMPLETED: 'COMPLETED', FAILED: 'FAILED', CANCELLED: 'CANCELLED' } as const;
registerEnumType(CodeJobStatusEnum, { name: 'CodeJobStatus' });

/** The GraphQL `CodeJobKind` enum. */
export const CodeJobKindEnum = { GENERATE: 'GENERATE', UPLOAD: 'UPLOAD' } as const;
registerEnumType(CodeJobKindEnum, { name: 'CodeJobKind' });

@ObjectType('CodeLineIssue', { description: 'One line of an upload that was not inserted, and why.' })
export class CodeLineIssue {
  @Field(() => Int, { description: '1-based: the position in `codes`, or the CSV line the record is on.' })
  line!: number;

  @Field(() => String, { description: 'The code as normalised (trimmed, upper-cased; cut at 100 characters).' })
  code!: string;

  @Field(() => String, {
    description: 'EMPTY, TOO_SHORT, TOO_LONG, INVALID_CHARACTERS (invalid); DUPLICATE_IN_FILE, ALREADY_EXISTS (duplicates).',
  })
  reason!: string;
}

@ObjectType('UploadCodesResult')
export class UploadCodesResult {
  @Field(() => ID, { description: 'The code job (kind UPLOAD) that recorded this upload.' })
  jobId!: string;

  @Field(() => Int)
  inserted!: number;

  @Field(() => [CodeLineIssue], { description: 'Repeats within the file and codes that already exist (any book), by line; at most 10,000 listed.' })
  duplicates!: CodeLineIssue[];

  @Field(() => [CodeLineIssue], { description: 'Lines that are not valid codes (3..64 of A-Z 0-9 - _); at most 10,000 listed.' })
  invalid!: CodeLineIssue[];

  @Field(() => Int, { description: 'Exact number of duplicate lines (the list may be cut).' })
  duplicateCount!: number;

  @Field(() => Int, { description: 'Exact number of invalid lines (the list may be cut).' })
  invalidCount!: number;

  @Field(() => CodeJobProgress, {
    nullable: true,
    description: 'The job as the upload ended: COMPLETED, or CANCELLED (stopped by `cancelCodeJob` before it committed: nothing inserted).',
  })
  job!: CodeJobProgress | null;
}

@InputType('GenerateCodesInput')
export class GenerateCodesInput {
  @Field(() => Int, { description: 'How many new codes (1..10,000,000). Collisions are topped up.' })
  count!: number;

  @Field(() => String, { nullable: true, description: 'Fixed start (A-Z 0-9 - _, ≤ 32).' })
  prefix?: string | null;

  @Field(() => String, { nullable: true, description: 'Fixed end, before the check character (A-Z 0-9 - _, ≤ 32).' })
  suffix?: string | null;

  @Field(() => Int, { nullable: true, description: 'Random characters per code (default 10).' })
  length?: number | null;

  @Field(() => String, { nullable: true, description: 'Characters of the random part (A-Z 0-9); default without look-alikes: ABCDEFGHJKMNPQRSTUVWXYZ23456789.' })
  charset?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Append a Luhn mod N check character over the charset.' })
  checkCharacter?: boolean | null;

  @Field(() => Boolean, { nullable: true, defaultValue: true, description: 'false: return at once (status RUNNING) and follow `codeJob(jobId)`.' })
  waitForCompletion?: boolean | null;
}

@ObjectType('GenerateCodesResult')
export class GenerateCodesResult {
  @Field(() => ID)
  jobId!: string;

  @Field(() => CodeJobStatusEnum)
  status!: 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

  @Field(() => Int)
  requested!: number;

  @Field(() => Int, { description: 'New codes inserted by the time the call returned.' })
  generated!: number;
}

@ObjectType('CodeJobProgress', { description: 'Progress of a large generate or upload (the `codeJob` subscription).' })
export class CodeJobProgress {
  @Field(() => ID)
  jobId!: string;

  @Field(() => ID)
  bookId!: string;

  @Field(() => CodeJobKindEnum)
  kind!: 'GENERATE' | 'UPLOAD';

  @Field(() => CodeJobStatusEnum)
  status!: 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

  @Field(() => Int, { description: 'Codes requested (generate) or lines received (upload; grows while a streamed file arrives).' })
  total!: number;

  @Field(() => Int)
  processed!: number;

  @Field(() => Int)
  inserted!: number;

  @Field(() => Int, { description: 'Generate: collisions topped up; upload: duplicate lines.' })
  duplicates!: number;

  @Field(() => Int)
  invalid!: number;

  @Field(() => String, { nullable: true })
  error!: string | null;
}
