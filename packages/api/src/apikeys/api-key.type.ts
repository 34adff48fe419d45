import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';

/** The GraphQL `ApiKeyScope` enum (the values of Prisma's `ApiKeyScope`). */
export const ApiKeyScopeEnum = { COUPONS_READ: 'COUPONS_READ', COUPONS_WRITE: 'COUPONS_WRITE', ADMIN: 'ADMIN' } as const;
registerEnumType(ApiKeyScopeEnum, {
  name: 'ApiKeyScope',
  description: 'What an API key may do. Scopes nest: ADMIN includes COUPONS_WRITE, which includes COUPONS_READ.',
  valuesConfig: {
    COUPONS_READ: { description: "Read books, coupons, redemptions and a customer's coupons (customerCoupons)." },
    COUPONS_WRITE: {
      description: 'Act for a shop customer (customerId): claim, lock, unlock, redeem, validate; refund an order (reverseRedemption).',
    },
    ADMIN: { description: 'What an admin may do.' },
  },
});

@ObjectType('ApiKey', { description: 'A server key for a shop backend. The secret is shown once, when it is created.' })
export class ApiKey {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'The first characters of the secret (cbk_ and 8 more), to tell keys apart.' })
  prefix!: string;

  @Field(() => [ApiKeyScopeEnum])
  scopes!: Array<keyof typeof ApiKeyScopeEnum>;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Within about a minute.' })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;
}

@ObjectType('CreatedApiKey')
export class CreatedApiKey {
  @Field(() => ApiKey)
  apiKey!: ApiKey;

  @Field(() => String, {
    description: 'The secret: send it as "Authorization: Bearer <secret>". Shown only now; store it in your secret manager.',
  })
  secret!: string;
}

@InputType('CreateApiKeyInput')
export class CreateApiKeyInput {
  @Field(() => String, { description: '1 to 100 characters, e.g. "shop backend (production)".' })
  name!: string;

  @Field(() => [ApiKeyScopeEnum])
  scopes!: Array<keyof typeof ApiKeyScopeEnum>;
}
