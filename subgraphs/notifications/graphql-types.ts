import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../platform/graphql/pagination.js';
import { Severity } from '../../platform/graphql/severity.type.js';
import type { DeliveryDocument } from './deliveries/delivery.store.js';
import type { NotificationEvent } from './inbox/live.js';
import type { Preferences } from './preferences/policy.js';
import {
  CATEGORIES,
  CHANNELS,
  DELIVERY_STATUSES,
  LOCALES,
  NOTIFICATION_KINDS,
  type Category,
  type ChannelName,
  type DeliveryStatus,
  type Locale,
  type NotificationKind,
  type NotificationSeverity,
} from './vocabulary.js';

const enumOf = <T extends string>(values: readonly T[]) =>
  Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

export const NotificationCategory = enumOf(CATEGORIES);
registerEnumType(NotificationCategory, {
  name: 'NotificationCategory',
  description: 'What a notification is about; preferences are per category',
});
export const NotificationChannel = enumOf(CHANNELS);
registerEnumType(NotificationChannel, { name: 'NotificationChannel' });
export const NotificationKindEnum = enumOf(NOTIFICATION_KINDS);
registerEnumType(NotificationKindEnum, { name: 'NotificationKind' });
export const NotificationDeliveryStatus = enumOf(DELIVERY_STATUSES);
registerEnumType(NotificationDeliveryStatus, {
  name: 'NotificationDeliveryStatus',
  description: 'QUEUED -> SENDING -> SENT | FAILED (retried with backoff) -> DEAD; SUPPRESSED by the hourly cap',
});
export const NotificationLocale = enumOf(LOCALES);
registerEnumType(NotificationLocale, {
  name: 'NotificationLocale',
  description: 'Language of templates (ar: right to left)',
});

@ObjectType({ description: 'One deep-link parameter' })
export class NotificationDatum {
  @Field(() => String) key!: string;
  @Field(() => String) value!: string;
}

const datums = (data: Record<string, string>) => Object.entries(data).map(([key, value]) => ({ key, value }));

@ObjectType({ description: 'An inbox entry' })
export class Notification {
  @Field(() => ID) id!: string;
  @Field(() => NotificationCategory) category!: Category;
  @Field(() => NotificationKindEnum) kind!: NotificationKind;
  @Field(() => Severity) severity!: NotificationSeverity;
  @Field(() => String) title!: string;
  @Field(() => String) body!: string;
  @Field(() => String, { description: 'Where the mobile app opens (clutch://...)' }) deepLink!: string;
  @Field(() => [NotificationDatum], { description: "The deep link's parameters" }) data!: NotificationDatum[];
  @Field(() => Boolean) read!: boolean;
  @Field(() => Int, { description: 'Later events folded into this entry (a flapping alert)' }) folds!: number;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
}

export const toNotification = (e: NotificationEvent): Notification => ({
  id: e.id,
  category: e.category,
  kind: e.kind,
  severity: e.severity,
  title: e.title,
  body: e.body,
  deepLink: e.deepLink,
  data: datums(e.data),
  read: e.read,
  folds: e.folds,
  createdAt: new Date(e.createdAt),
  updatedAt: new Date(e.updatedAt),
});

export const NotificationConnection = ConnectionType(Notification);

@ObjectType()
export class NotificationDeliveryAttempt {
  @Field(() => NotificationDeliveryStatus) status!: DeliveryStatus;
  @Field(() => Date) at!: Date;
  @Field(() => String, { nullable: true }) reason!: string | null;
}

@ObjectType({ description: 'One notification on one channel (staff)' })
export class NotificationDelivery {
  @Field(() => ID) id!: string;
  @Field(() => ID) notificationId!: string;
  @Field(() => ID) userId!: string;
  @Field(() => NotificationChannel) channel!: ChannelName;
  @Field(() => NotificationKindEnum) kind!: NotificationKind;
  @Field(() => NotificationDeliveryStatus) status!: DeliveryStatus;
  @Field(() => Int) attempts!: number;
  @Field(() => String, { nullable: true, description: 'Why the last attempt failed, or why it waits' }) lastError!:
    string | null;
  @Field(() => Date) nextAttemptAt!: Date;
  @Field(() => Date, { nullable: true }) sentAt!: Date | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => [NotificationDeliveryAttempt]) history!: NotificationDeliveryAttempt[];
}

export const toDelivery = (d: DeliveryDocument): NotificationDelivery => ({
  id: d._id.toHexString(),
  notificationId: d.notificationId,
  userId: d.userId,
  channel: d.channel,
  kind: d.kind,
  status: d.status,
  attempts: d.attempts,
  lastError: d.lastError,
  nextAttemptAt: d.nextAttemptAt,
  sentAt: d.sentAt,
  createdAt: d.createdAt,
  history: d.history,
});

export const NotificationDeliveryConnection = ConnectionType(NotificationDelivery);

@ObjectType()
export class QuietHours {
  @Field(() => String, { description: 'HH:mm local' }) start!: string;
  @Field(() => String, { description: 'HH:mm local; before start: over midnight' }) end!: string;
}

@ObjectType()
export class CategoryChannels {
  @Field(() => NotificationCategory) category!: Category;
  @Field(() => [NotificationChannel]) channels!: ChannelName[];
}

@ObjectType()
export class NotificationPreferences {
  @Field(() => [CategoryChannels]) categories!: CategoryChannels[];
  @Field(() => QuietHours, { nullable: true }) quietHours!: QuietHours | null;
  @Field(() => String, { description: 'IANA time zone of quiet hours and times in messages' }) timeZone!: string;
  @Field(() => NotificationLocale) locale!: Locale;
  @Field(() => String, { nullable: true, description: 'E.164 number for SMS' }) smsNumber!: string | null;
}

export const toPreferences = (p: Preferences): NotificationPreferences => ({
  categories: CATEGORIES.map((category) => ({ category, channels: p.channels[category] })),
  quietHours: p.quietHours,
  timeZone: p.timeZone,
  locale: p.locale,
  smsNumber: p.smsNumber,
});

@InputType()
export class QuietHoursInput {
  @Field(() => String) start!: string;
  @Field(() => String) end!: string;
}

@InputType()
export class CategoryChannelsInput {
  @Field(() => NotificationCategory) category!: Category;
  @Field(() => [NotificationChannel]) channels!: ChannelName[];
}

@InputType({ description: 'Only the fields given change' })
export class NotificationPreferencesInput {
  @Field(() => [CategoryChannelsInput], { nullable: true }) categories?: CategoryChannelsInput[] | null;
  @Field(() => QuietHoursInput, { nullable: true, description: 'null clears quiet hours' })
  quietHours?: QuietHoursInput | null;
  @Field(() => String, { nullable: true }) timeZone?: string | null;
  @Field(() => NotificationLocale, { nullable: true }) locale?: Locale | null;
  @Field(() => String, { nullable: true, description: 'E.164; an empty string removes it' }) smsNumber?: string | null;
}
