import { Field, InputType } from 'type-graphql';

@InputType({ description: 'An error a frontend caught' })
export class ClientErrorInput {
  @Field(() => String, { description: '1 to 2000 characters' })
  message!: string;

  @Field(() => String, { nullable: true, description: 'The http(s) page it happened on' })
  url?: string;

  @Field(() => String, { nullable: true, description: 'At most 10,000 characters' })
  stack?: string;
}
