import { Field, ID, ObjectType } from 'type-graphql';

/**
 * The fields a named record shows (a book, a pool): its id, its name and an optional description.
 * A base class only: `@ObjectType()` lets `Book` and `Pool` inherit the fields; no field returns
 * it, so the schema has no type of this name.
 */
@ObjectType()
export abstract class NamedRecord {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;
}
