import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { hasRole } from '../../../platform/auth/viewer.js';
import { ForbiddenError, UnauthenticatedError } from '../../../platform/errors.js';
import { mapNodes, PageArgs } from '../../../platform/graphql/pagination.js';
import type { SubgraphContext } from '../../../platform/subgraph/context.js';
import type { WebhookService } from './webhook.service.js';
import {
  CreatedWebhookEndpoint,
  toEndpoint,
  toWebhookDelivery,
  WebhookDelivery,
  WebhookDeliveryConnection,
  WebhookEndpoint,
  WebhookEndpointInput,
} from './webhook.types.js';

/**
 * The organisation a caller acts for. Organisations are the accounts that own API keys (a key's
 * `ownerId`, an ADMIN account today): that account manages the org's endpoints; the org's API
 * keys may read them and their delivery log.
 */
export function organizationOf(ctx: SubgraphContext, manage: boolean): string {
  const viewer = ctx.viewer;
  if (!viewer) throw new UnauthenticatedError();
  if (viewer.kind === 'user' && hasRole(viewer, 'ADMIN')) return viewer.userId;
  if (viewer.kind === 'apiKey' && !manage) return viewer.ownerId;
  throw new ForbiddenError(
    manage ? "Only an organisation's admin account manages its webhooks" : 'Only organisations have webhooks',
  );
}

@Resolver()
export class WebhookResolver {
  constructor(private readonly webhooks: WebhookService) {}

  @Authorized()
  @Mutation(() => CreatedWebhookEndpoint, {
    description: 'Registers an endpoint; the secret is shown only in this answer',
  })
  async createWebhookEndpoint(
    @Arg('input', () => WebhookEndpointInput) input: WebhookEndpointInput,
    @Ctx() ctx: SubgraphContext,
  ) {
    const { endpoint, secret } = await this.webhooks.createEndpoint(organizationOf(ctx, true), input);
    return { endpoint: toEndpoint(endpoint), secret };
  }

  @Authorized()
  @Mutation(() => CreatedWebhookEndpoint, {
    description: 'A new signing secret (shown once); the previous one keeps signing for the overlap window',
  })
  async rotateWebhookSecret(@Arg('endpointId', () => ID) endpointId: string, @Ctx() ctx: SubgraphContext) {
    const { endpoint, secret } = await this.webhooks.rotateSecret(organizationOf(ctx, true), endpointId);
    return { endpoint: toEndpoint(endpoint), secret };
  }

  @Authorized()
  @Mutation(() => WebhookEndpoint, { description: 'Turns a disabled endpoint back on (its failures are forgotten)' })
  async enableWebhookEndpoint(@Arg('endpointId', () => ID) endpointId: string, @Ctx() ctx: SubgraphContext) {
    return toEndpoint(await this.webhooks.enable(organizationOf(ctx, true), endpointId));
  }

  // No @Authorized: organizationOf admits the org's admin account and its API keys, refuses the rest.
  @Query(() => [WebhookEndpoint], { description: "Your organisation's webhook endpoints" })
  async webhookEndpoints(@Ctx() ctx: SubgraphContext) {
    return (await this.webhooks.list(organizationOf(ctx, false))).map(toEndpoint);
  }

  // No @Authorized: organizationOf admits the org's admin account and its API keys, refuses the rest.
  @Query(() => WebhookDeliveryConnection, { description: "An endpoint's deliveries, newest first" })
  async webhookDeliveries(
    @Arg('endpointId', () => ID) endpointId: string,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: SubgraphContext,
  ) {
    return mapNodes(await this.webhooks.log(organizationOf(ctx, false), endpointId, page), toWebhookDelivery);
  }

  @Authorized()
  @Mutation(() => WebhookDelivery, { description: 'Sends a webhook.test event now and answers its delivery' })
  async sendTestWebhook(@Arg('endpointId', () => ID) endpointId: string, @Ctx() ctx: SubgraphContext) {
    return toWebhookDelivery(await this.webhooks.sendTest(organizationOf(ctx, true), endpointId));
  }

  @Authorized()
  @Mutation(() => WebhookDelivery, {
    description: 'Sends a delivered or failed message again (same webhook-id and body) and answers the new delivery',
  })
  async replayWebhookDelivery(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return toWebhookDelivery(await this.webhooks.replay(organizationOf(ctx, true), id));
  }
}
