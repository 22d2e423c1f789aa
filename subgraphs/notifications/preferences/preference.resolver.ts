import { z } from 'zod';
import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { BadUserInputError } from '../../../platform/errors.js';
import { requireUser } from '../../../platform/subgraph/context.js';
import type { NotificationsContext } from '../context.js';
import { NotificationPreferences, NotificationPreferencesInput, toPreferences } from '../graphql-types.js';
import type { UnsubscribeTokens } from '../unsubscribe/token.js';
import { isValidTimeZone, TIME_OF_DAY, type Preferences } from './policy.js';
import type { PreferenceStore } from './preference.store.js';

const E164 = /^\+[1-9]\d{6,14}$/;

/** The input applied to the current preferences; the first problem is BAD_USER_INPUT naming its field. */
export function applyPreferences(current: Preferences, input: NotificationPreferencesInput): Preferences {
  const next: Preferences = { ...current, channels: { ...current.channels } };
  for (const { category, channels } of input.categories ?? []) next.channels[category] = [...new Set(channels)];
  if (input.quietHours === null) next.quietHours = null;
  else if (input.quietHours) {
    const { start, end } = input.quietHours;
    if (!TIME_OF_DAY.test(start) || !TIME_OF_DAY.test(end))
      throw new BadUserInputError('quiet hours are HH:mm, 00:00 to 23:59', 'quietHours');
    if (start === end) throw new BadUserInputError('quiet hours must not start and end at the same time', 'quietHours');
    next.quietHours = { start, end };
  }
  if (input.timeZone !== undefined && input.timeZone !== null) {
    if (!z.string().max(64).safeParse(input.timeZone).success || !isValidTimeZone(input.timeZone))
      throw new BadUserInputError('timeZone must be an IANA time zone such as Asia/Dubai', 'timeZone');
    next.timeZone = input.timeZone;
  }
  if (input.locale) next.locale = input.locale;
  if (input.smsNumber !== undefined && input.smsNumber !== null) {
    if (input.smsNumber === '') next.smsNumber = null;
    else if (!E164.test(input.smsNumber))
      throw new BadUserInputError('smsNumber must be E.164, such as +971501234567', 'smsNumber');
    else next.smsNumber = input.smsNumber;
  }
  return next;
}

@Resolver()
export class PreferenceResolver {
  constructor(
    private readonly store: PreferenceStore,
    private readonly unsubscribe: UnsubscribeTokens,
  ) {}

  @Authorized()
  @Query(() => NotificationPreferences, { description: 'Your notification preferences' })
  async notificationPreferences(@Ctx() ctx: NotificationsContext) {
    return toPreferences(await this.store.get(requireUser(ctx).userId));
  }

  @Authorized()
  @Mutation(() => NotificationPreferences, {
    description: 'Changes your notification preferences (marketing is opt-in)',
  })
  async updateNotificationPreferences(
    @Arg('input', () => NotificationPreferencesInput) input: NotificationPreferencesInput,
    @Ctx() ctx: NotificationsContext,
  ) {
    const user = requireUser(ctx);
    const current = await this.store.get(user.userId);
    const next = applyPreferences(current, input);
    const marketingChanged = JSON.stringify(current.channels.MARKETING) !== JSON.stringify(next.channels.MARKETING);
    return toPreferences(await this.store.save(user.userId, next, new Date(), marketingChanged ? 'user' : null));
  }

  @Mutation(() => Boolean, {
    description: "One-click unsubscribe from a marketing message's link: marketing off on every channel (no sign-in)",
  })
  async unsubscribeMarketing(@Arg('token', () => String) token: string): Promise<boolean> {
    const userId = this.unsubscribe.verify(token);
    if (!userId) throw new BadUserInputError('The unsubscribe link is not valid', 'token');
    const current = await this.store.get(userId);
    await this.store.save(
      userId,
      { ...current, channels: { ...current.channels, MARKETING: [] } },
      new Date(),
      'unsubscribe-link',
    );
    return true;
  }
}
