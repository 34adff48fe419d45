import { type CouponRecord, forceUnlockCoupon, isAdmin, unassignCoupon, updateCoupon, voidCoupon } from '@coupons/core';
import { Arg, Authorized, Ctx, Field, FieldResolver, InputType, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../shared/request-context.ts';
import { JSONScalar } from '../shared/scalars.ts';
import { Coupon } from './coupon.type.ts';

@InputType('UpdateCouponInput', { description: 'Per-code overrides. Omitted fields stay; null clears one.' })
export class UpdateCouponInput {
  @Field(() => Date, { nullable: true, description: 'After this time the code answers BOOK_NOT_ACTIVE (reason CODE_EXPIRED).' })
  expiresAt?: Date | null;

  @Field(() => Int, { nullable: true, description: 'Uses of this code (≥ its uses so far); null: the book decides.' })
  maxRedemptions?: number | null;

  @Field(() => JSONScalar, { nullable: true, description: 'Notes on this code: a JSON object of at most 16 KB.' })
  metadata?: unknown;
}

/** What an admin does to one coupon. Each is a transition: live subscribers see it, the audit log records it. */
@Resolver(() => Coupon)
export class CouponControlResolver {
  @FieldResolver(() => JSONScalar, { nullable: true, description: "ADMIN: this code's notes (updateCoupon); null for anyone else." })
  metadata(@Root() coupon: CouponRecord, @Ctx() ctx: RequestContext): Record<string, unknown> | null {
    return isAdmin(ctx.service) ? coupon.metadata : null;
  }

  @Authorized('ADMIN')
  @Mutation(() => Coupon, {
    description: 'ADMIN: voids a coupon for good (a leaked code): a running lock ends, and every transition on it is refused.',
  })
  voidCoupon(
    @Arg('code', () => String) code: string,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: RequestContext,
  ): Promise<CouponRecord> {
    return voidCoupon(ctx.service, { code, reason });
  }

  @Authorized('ADMIN')
  @Mutation(() => Coupon, {
    description: "ADMIN: takes an ASSIGNED or LOCKED coupon that was never redeemed back into its book (the owner's assignment is given back); its history stays.",
  })
  unassignCoupon(
    @Arg('code', () => String) code: string,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: RequestContext,
  ): Promise<CouponRecord> {
    return unassignCoupon(ctx.service, { code, reason });
  }

  @Authorized('ADMIN')
  @Mutation(() => Coupon, {
    description:
      "ADMIN: releases a running lock on the coupon, whoever holds it (LOCKED → ASSIGNED; the owner keeps it). Anything not locked at this moment is INVALID_STATE.",
  })
  forceUnlockCoupon(
    @Arg('code', () => String) code: string,
    @Arg('reason', () => String, { nullable: true, description: "Why (at most 500 characters): kept in the coupon's history and the audit log." })
    reason: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<CouponRecord> {
    return forceUnlockCoupon(ctx.service, { code, reason });
  }

  @Authorized('ADMIN')
  @Mutation(() => Coupon, { description: 'ADMIN: per-code overrides (expiry, use limit, notes), applied by every transition.' })
  updateCoupon(
    @Arg('code', () => String) code: string,
    @Arg('input', () => UpdateCouponInput) input: UpdateCouponInput,
    @Ctx() ctx: RequestContext,
  ): Promise<CouponRecord> {
    return updateCoupon(ctx.service, { code, input });
  }
}
