/** An in-app notification (`GET /notifications`), newest first. */
export interface AppNotification {
  id: string;
  relationshipId: string | null;
  kind: string;
  subject: string;
  body: string;
  /** Where it leads inside the app, e.g. a protocol version; null when it leads nowhere. */
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationList {
  items: AppNotification[];
  unread: number;
}
