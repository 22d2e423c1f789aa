import { ObjectId, type Collection, type Db } from 'mongodb';
import { paginate, type PageArgs } from '../../platform/graphql/pagination.js';
import type { IndexDeclaration } from '../../platform/mongo/indexes.js';
import { ensureIndexes } from '../../platform/mongo/indexes.js';

export interface IncidentDocument {
  _id: ObjectId;
  title: string;
  severity: 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
  summary: string;
  decisionId: string;
  status: 'OPEN' | 'RESOLVED';
  openedAt: Date;
}

export const INCIDENT_INDEXES: IndexDeclaration[] = [{ key: { status: 1, _id: -1 } }];

/** Incident records the team opens for people to follow up. */
export class IncidentStore {
  static readonly collection = 'incidents';
  private readonly incidents: Collection<IncidentDocument>;

  constructor(db: Db) {
    this.incidents = db.collection<IncidentDocument>(IncidentStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.incidents, INCIDENT_INDEXES);
  }

  async open(incident: Omit<IncidentDocument, '_id' | 'status'>): Promise<IncidentDocument> {
    const doc: IncidentDocument = { _id: new ObjectId(), status: 'OPEN', ...incident };
    await this.incidents.insertOne(doc);
    return doc;
  }

  list(page: PageArgs) {
    return paginate(this.incidents, {}, page, ({ _id, ...rest }) => ({ id: _id.toHexString(), ...rest }));
  }
}
