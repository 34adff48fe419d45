import type { NonEmptyArray } from 'type-graphql';
import { AuthResolver } from './auth/auth.resolver.ts';
import { UserResolver } from './users/user.resolver.ts';

/**
 * Every resolver class of the API. To add a feature, import its resolver and append it here;
 * server/schema.ts builds the schema from this list and refuses a root field that does not
 * declare its access (`@Public()`, `@Authorized()` or `@Authorized('ADMIN')`).
 */
export const resolvers: NonEmptyArray<Function> = [AuthResolver, UserResolver];
