import type { ObjectId } from 'mongodb';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../platform/errors.js';
import { parseInput } from '../../platform/graphql/parse-input.js';
import type { ModeStore } from '../autonomy/mode.store.js';
import type { ClaimStore } from '../claims.store.js';
import type { Clock } from '../clock.js';
import type { DecisionDocument, DecisionStatusValue } from './decision.document.js';
import type { DecisionEvents } from './decision-events.js';
import { parseDecisionId } from './decision-filter.js';
import { toDecision } from './decision.mapper.js';
import type { DecisionStore } from './decision.store.js';
import type { Decision } from './decision.type.js';
import type { DecisionRunner } from './decision-runner.js';

const APPROVABLE: readonly DecisionStatusValue[] = ['APPROVAL_REQUIRED', 'PROPOSED'];
const settleKey = (id: ObjectId) => `decision:${id.toHexString()}:settle`;

const reasonSchema = z.string().trim().max(500, 'reason is too long').optional().nullable();

export class ApprovalService {
  constructor(
    private readonly deps: {
      decisions: DecisionStore;
      runner: DecisionRunner;
      mode: ModeStore;
      events: DecisionEvents;
      claims: ClaimStore;
      clock: Clock;
    },
  ) {}

  /**
   * Settles the decision through a claim first, so of two admins approving (or one
   * approving and one rejecting) at once exactly one wins. A decision waiting for approval
   * or proposed (held back in DRY_RUN or by the budget) can be approved while it is fresh.
   * Approvals run only in ON and count against the hour's budget: when either holds the
   * action back, the claim is given back and the decision keeps waiting (CONFLICT).
   */
  async approve(rawId: string, adminId: string): Promise<Decision> {
    const id = parseDecisionId(rawId);
    const { runner, mode, clock, claims } = this.deps;
    const existing = await this.settle(id, APPROVABLE, 'waiting for approval or proposed', async () => {
      const { mode: current } = await mode.get();
      if (current !== 'ON')
        throw new ConflictError(`The autonomous mode is ${current}; approved actions run only when it is ON`);
    });
    const now = new Date(clock.now());
    const result = await runner.execute(existing, APPROVABLE, { approvedBy: adminId, approvedAt: now });
    if (result.status === 'EXECUTED' || result.status === 'FAILED') return toDecision(result);
    await claims.release(settleKey(id));
    throw new ConflictError(`Not carried out: ${result.statusReason ?? 'held back'}; it can be approved again later`);
  }

  async reject(rawId: string, adminId: string, rawReason: string | undefined | null): Promise<Decision> {
    const id = parseDecisionId(rawId);
    const reason = parseInput(reasonSchema, rawReason) ?? null;
    const { decisions, clock, events } = this.deps;
    await this.settle(id, ['APPROVAL_REQUIRED', 'PROPOSED'], 'open to rejection');
    const now = new Date(clock.now());
    const rejected = await decisions.transition(id, ['APPROVAL_REQUIRED', 'PROPOSED'], {
      status: 'REJECTED',
      statusReason: 'rejected by an admin',
      rejectedBy: adminId,
      rejectionReason: reason,
      updatedAt: now,
    });
    if (!rejected) throw new ConflictError('This decision changed meanwhile and can no longer be rejected');
    await events.changed(rejected);
    return toDecision(rejected);
  }

  /** Checks the state (and `precondition`), then wins the one claim that settles the decision. */
  private async settle(
    id: ObjectId,
    from: readonly DecisionStatusValue[],
    expected: string,
    precondition?: () => Promise<void>,
  ): Promise<DecisionDocument> {
    const existing = await this.deps.decisions.findById(id);
    if (!existing) throw new NotFoundError('Decision');
    const status = existing.status.toLowerCase().replace('_', ' ');
    if (!from.includes(existing.status)) throw new ConflictError(`This decision is ${status}, not ${expected}`);
    await precondition?.();
    if (!(await this.deps.claims.claim(settleKey(id), new Date(this.deps.clock.now())))) {
      throw new ConflictError('Another admin is settling this decision');
    }
    return existing;
  }
}
