import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../../platform/graphql/pagination.js';
import type { WebhookDeliveryDocument } from './delivery.store.js';
import type { EndpointDocument } from './endpoint.store.js';

export enum WebhookEndpointStatus {
  ACTIVE = 'ACTIVE',
  DISABLED = 'DISABLED',
}
registerEnumType(WebhookEndpointStatus, { name: 'WebhookEndpointStatus' });

export enum WebhookDeliveryStatus {
  QUEUED = 'QUEUED',
  SENDING = 'SENDING',
  SENT = 'SENT',
  FAILED = 'FAILED',
  DEAD = 'DEAD',
  DROPPED = 'DROPPED',
}
registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description:
    'FAILED is retried after a backoff until the retry window ends (DEAD); DROPPED: not sent on purpose (access revoked, endpoint disabled)',
});

@InputType()
export class WebhookEndpointInput {
  @Field(() => String, { description: 'https URL; refused when it resolves to a private or loopback address' })
  url!: string;

  @Field(() => [String], {
    description:
      'health.alert.opened, health.alert.resolved, telemetry.dtc.detected, vehicle.added, booking.<status>, order.<status>, payment.succeeded|failed|refunded, or a family: booking.*, order.*, payment.*, health.alert.*',
  })
  eventTypes!: string[];

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@ObjectType({ description: "An organisation's webhook endpoint; its signing secret is never shown again" })
export class WebhookEndpoint {
  @Field(() => ID) id!: string;
  @Field(() => String) url!: string;
  @Field(() => [String]) eventTypes!: string[];
  @Field(() => String) description!: string;
  @Field(() => WebhookEndpointStatus) status!: WebhookEndpointStatus;
  @Field(() => Int) consecutiveFailures!: number;
  @Field(() => Date, { nullable: true }) disabledAt!: Date | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true, description: 'Until then the previous secret signs too (rotation overlap)' })
  previousSecretExpiresAt!: Date | null;
}

@ObjectType()
export class CreatedWebhookEndpoint {
  @Field(() => WebhookEndpoint) endpoint!: WebhookEndpoint;

  @Field(() => String, { description: 'The signing secret (whsec_...): store it now, it cannot be shown again' })
  secret!: string;
}

@ObjectType()
export class WebhookAttempt {
  @Field(() => Date) at!: Date;
  @Field(() => Int, { nullable: true }) statusCode!: number | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => Int) durationMs!: number;
}

@ObjectType({ description: 'One message to one endpoint, with its attempts' })
export class WebhookDelivery {
  @Field(() => ID) id!: string;
  @Field(() => ID) endpointId!: string;
  @Field(() => String, { description: 'The webhook-id header: the same on every attempt and replay' })
  eventId!: string;
  @Field(() => String) eventType!: string;
  @Field(() => WebhookDeliveryStatus) status!: WebhookDeliveryStatus;
  @Field(() => Int) attempts!: number;
  @Field(() => Date, { nullable: true }) nextAttemptAt!: Date | null;
  @Field(() => Int, { nullable: true }) lastStatusCode!: number | null;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => String, { description: 'The JSON body sent' }) payload!: string;
  @Field(() => [WebhookAttempt]) log!: WebhookAttempt[];
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) sentAt!: Date | null;
  @Field(() => ID, { nullable: true }) replayOf!: string | null;
}

export const WebhookDeliveryConnection = ConnectionType(WebhookDelivery);

export function toEndpoint(doc: EndpointDocument): WebhookEndpoint {
  const previous = doc.secrets.find((s) => s.expiresAt !== null && s.expiresAt > new Date());
  return {
    id: doc._id.toHexString(),
    url: doc.url,
    eventTypes: doc.eventTypes.filter((t) => t !== 'webhook.test'),
    description: doc.description,
    status: doc.status as WebhookEndpointStatus,
    consecutiveFailures: doc.consecutiveFailures,
    disabledAt: doc.disabledAt,
    createdAt: doc.createdAt,
    previousSecretExpiresAt: previous?.expiresAt ?? null,
  };
}

export function toWebhookDelivery(doc: WebhookDeliveryDocument): WebhookDelivery {
  return {
    id: doc._id.toHexString(),
    endpointId: doc.endpointId.toHexString(),
    eventId: doc.eventId,
    eventType: doc.eventType,
    status: doc.status as WebhookDeliveryStatus,
    attempts: doc.attempts,
    nextAttemptAt: doc.status === 'FAILED' || doc.status === 'QUEUED' ? doc.nextAttemptAt : null,
    lastStatusCode: doc.lastStatusCode,
    lastError: doc.lastError,
    payload: doc.payload,
    log: doc.log,
    createdAt: doc.createdAt,
    sentAt: doc.sentAt,
    replayOf: doc.replayOf?.toHexString() ?? null,
  };
}
