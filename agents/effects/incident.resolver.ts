import { ObjectId } from 'mongodb';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { BadUserInputError, ConflictError, NotFoundError } from '../../platform/errors.js';
import { PageArgs } from '../../platform/graphql/pagination.js';
import { requireUser, type SubgraphContext } from '../../platform/subgraph/context.js';
import { OPERATORS, READERS } from '../access.js';
import type { Clock } from '../clock.js';
import { toDecision } from '../decisions/decision.mapper.js';
import type { DecisionStore } from '../decisions/decision.store.js';
import { Decision } from '../decisions/decision.type.js';
import { toIncidentView, type IncidentStore } from './incident.store.js';
import { Incident, IncidentConnection, IncidentStatus } from './incident.type.js';

/** The decisions listed on one incident; its ids keep them all, this many are shown. */
const DECISIONS_SHOWN = 50;

const parseIncidentId = (raw: string) => {
  if (!/^[0-9a-f]{24}$/i.test(raw)) throw new BadUserInputError('id: not an incident id', 'id');
  return new ObjectId(raw);
};

@Resolver(() => Incident)
export class IncidentResolver {
  constructor(
    private readonly incidents: IncidentStore,
    private readonly decisionStore: Pick<DecisionStore, 'findById'>,
    private readonly clock: Clock,
  ) {}

  @Authorized(...READERS)
  @Query(() => IncidentConnection, { description: 'Incidents the team opened, newest first, by status (staff)' })
  agentIncidents(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('status', () => IncidentStatus, { nullable: true }) status?: IncidentStatus,
  ) {
    return this.incidents.list(page, status);
  }

  @Authorized(...READERS)
  @Query(() => Incident, { nullable: true })
  async agentIncident(@Arg('id', () => ID) id: string): Promise<Incident | null> {
    const doc = await this.incidents.findById(parseIncidentId(id));
    return doc ? (toIncidentView(doc) as Incident) : null;
  }

  @Authorized(...OPERATORS)
  @Mutation(() => Incident, { description: 'Someone is on it: OPEN -> ACKNOWLEDGED (admins)' })
  async acknowledgeIncident(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext): Promise<Incident> {
    const by = requireUser(ctx).userId;
    const _id = parseIncidentId(id);
    const done = await this.incidents.acknowledge(_id, by, new Date(this.clock.now()));
    if (done) return toIncidentView(done) as Incident;
    throw await this.whyNot(_id, 'acknowledged');
  }

  @Authorized(...OPERATORS)
  @Mutation(() => Incident, {
    description: 'Closes it (admins); the next firing of its trigger opens a new incident',
  })
  async resolveIncident(
    @Arg('id', () => ID) id: string,
    @Arg('resolution', () => String, { nullable: true }) resolution: string | undefined,
    @Ctx() ctx: SubgraphContext,
  ): Promise<Incident> {
    const by = requireUser(ctx).userId;
    const _id = parseIncidentId(id);
    const note = (resolution ?? '').trim();
    if (note.length > 500) throw new BadUserInputError('resolution: at most 500 characters', 'resolution');
    const done = await this.incidents.resolve(_id, by, note || 'resolved by an admin', new Date(this.clock.now()));
    if (done) return toIncidentView(done) as Incident;
    throw await this.whyNot(_id, 'resolved');
  }

  @FieldResolver(() => [Decision], { description: `Its decisions, oldest first (the latest ${DECISIONS_SHOWN})` })
  async decisions(@Root() incident: Incident): Promise<Decision[]> {
    const ids = incident.decisionIds.slice(-DECISIONS_SHOWN).filter((d) => /^[0-9a-f]{24}$/i.test(d));
    const docs = await Promise.all(ids.map((d) => this.decisionStore.findById(new ObjectId(d))));
    return docs.flatMap((d) => (d ? [toDecision(d)] : []));
  }

  private async whyNot(id: ObjectId, wanted: string): Promise<Error> {
    const existing = await this.incidents.findById(id);
    if (!existing) return new NotFoundError('Incident');
    return new ConflictError(`This incident cannot be ${wanted}: it is ${existing.status}`);
  }
}
