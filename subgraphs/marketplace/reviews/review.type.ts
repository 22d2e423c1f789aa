import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../../platform/graphql/pagination.js';
import { User } from '../centres/user.type.js';
import type { ReviewDocument } from './review.store.js';

@ObjectType({ description: "A customer's rating of a completed booking, with the centre's reply" })
export class Review {
  @Field(() => ID, { description: "The booking's id: one review per booking" })
  id!: string;

  @Field(() => Int, { description: '1 to 5' })
  rating!: number;

  @Field(() => String, { nullable: true })
  comment!: string | null;

  @Field(() => User)
  author!: User;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => String, { nullable: true })
  reply!: string | null;

  @Field(() => Date, { nullable: true })
  repliedAt!: Date | null;
}

export const ReviewConnection = ConnectionType(Review);

export const toReview = (doc: ReviewDocument): Review => ({
  id: doc._id.toHexString(),
  rating: doc.rating,
  comment: doc.comment,
  author: { id: doc.customerId },
  createdAt: doc.createdAt,
  reply: doc.reply,
  repliedAt: doc.repliedAt,
});
