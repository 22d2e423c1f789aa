import { Field, Float, ID, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../platform/graphql/pagination.js';
import { AutonomousMode } from '../autonomy/autonomous-mode.type.js';

@ObjectType({ description: 'A trigger that fired: recorded once, whatever happened next' })
export class TriggerFiring {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'The trigger kind, e.g. client_error_burst' })
  kind!: string;

  @Field(() => String, { description: 'performance, errors, security, business or time' })
  category!: string;

  @Field(() => String)
  metric!: string;

  @Field(() => String, { description: '"global", a goal id, or "daily" for routines' })
  subject!: string;

  @Field(() => Float)
  value!: number;

  @Field(() => Float)
  threshold!: number;

  @Field(() => Date)
  firedAt!: Date;

  @Field(() => AutonomousMode, { description: 'The mode when it fired' })
  mode!: AutonomousMode;

  @Field(() => ID, { nullable: true })
  decisionId?: string | null;
}

export const TriggerFiringConnection = ConnectionType(TriggerFiring);
