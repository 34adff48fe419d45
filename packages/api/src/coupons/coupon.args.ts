import { ArgsType, Field, ID } from 'type-graphql';
import { ConnectionArgs } from '../shared/connection.ts';
import { CouponStateEnum } from './coupon.type.ts';

@ArgsType()
export class CouponListArgs extends ConnectionArgs {
  @Field(() => CouponStateEnum, { nullable: true, description: 'Only coupons in this (effective) state.' })
  state?: keyof typeof CouponStateEnum | null;
}

@ArgsType()
export class RedemptionListArgs extends ConnectionArgs {
  @Field(() => ID, { nullable: true })
  bookId?: string | null;
}
