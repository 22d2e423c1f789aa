import { ObjectId, type Collection, type Db } from 'mongodb';
import type { IndexDeclaration } from '../../platform/mongo/indexes.js';
import { ensureIndexes } from '../../platform/mongo/indexes.js';

export interface NotificationDocument {
  _id: ObjectId;
  decisionId: string;
  vehicleIds: string[];
  message: string;
  at: Date;
}

export const NOTIFICATION_INDEXES: IndexDeclaration[] = [{ key: { decisionId: 1 } }];

/** Notifications to vehicle owners, recorded for the delivery channel to pick up. */
export class NotificationStore {
  static readonly collection = 'owner_notifications';
  private readonly notifications: Collection<NotificationDocument>;

  constructor(db: Db) {
    this.notifications = db.collection<NotificationDocument>(NotificationStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.notifications, NOTIFICATION_INDEXES);
  }

  async record(notification: Omit<NotificationDocument, '_id'>): Promise<void> {
    await this.notifications.insertOne({ _id: new ObjectId(), ...notification });
  }
}
