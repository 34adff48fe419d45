import { ERROR_CODES, type ErrorCode as DomainErrorCode } from '@coupons/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';

/** Every `extensions.code` a client can receive: the contract's codes plus the masked bug. */
export const API_ERROR_CODES = [...ERROR_CODES, 'INTERNAL_SERVER_ERROR'] as const;
export type ApiErrorCode = DomainErrorCode | 'INTERNAL_SERVER_ERROR';

/** The GraphQL `ErrorCode` enum, built from `ERROR_CODES`, so the schema cannot fall behind the domain. */
export const ErrorCodeEnum = Object.fromEntries(API_ERROR_CODES.map((code) => [code, code])) as { [C in ApiErrorCode]: C };
registerEnumType(ErrorCodeEnum, {
  name: 'ErrorCode',
  description: 'The `extensions.code` of every GraphQL error (see the schema description). Clients switch on these.',
});

/**
 * The shape of a GraphQL error's `extensions`. No field returns it: it is in the schema (as an
 * orphaned type) so that clients generate the `ErrorCode` enum and these fields' types from it.
 */
@ObjectType('ErrorExtensions', { description: 'What `extensions` of a GraphQL error holds. No field returns it.' })
export class ErrorExtensions {
  @Field(() => ErrorCodeEnum)
  code!: ApiErrorCode;

  @Field(() => String, { nullable: true, description: 'BAD_USER_INPUT: the argument or input field at fault.' })
  field?: string;

  @Field(() => [String], { nullable: true, description: 'BAD_USER_INPUT from argument validation: every field at fault.' })
  fields?: string[];

  @Field(() => Int, { nullable: true, description: 'RATE_LIMITED, SERVICE_UNAVAILABLE: seconds to wait before retrying.' })
  retryAfterSeconds?: number;

  @Field(() => Boolean, { nullable: true, description: 'SERVICE_UNAVAILABLE: true, the same request may be retried.' })
  retryable?: boolean;

  @Field(() => String, { nullable: true, description: 'INTERNAL_SERVER_ERROR: the request id to report.' })
  requestId?: string;
}
