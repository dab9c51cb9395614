import { and, asc, eq, gt } from "drizzle-orm";
import { appendEvent } from "../events/events.ts";
import type { Actor } from "../http/actor.ts";
import { eventActor, requireActor, type ServiceContext, withTransaction } from "../http/context.ts";
import { AppError, type FieldProblem, forbidden } from "../http/errors.ts";
import { isValidZone } from "../time/intervals.ts";
import { notificationKinds } from "./kinds.ts";
import {
  type DigestMode,
  type NotificationChannel,
  notificationPreferences,
  notifications,
  notificationSettings,
} from "./notify.tables.ts";
import { clockToMinutes, defaultDeliverySettings, minutesToClock } from "./schedule.ts";

/** How far back the kinds someone has received are looked up, to list them on the page. */
const RECEIVED_KINDS_WINDOW_MS = 180 * 86_400_000;

export interface KindPreference {
  kind: string;
  group: string;
  label: string;
  inApp: boolean;
  email: boolean;
}

export interface PreferencesView {
  kinds: KindPreference[];
  timeZone: string;
  quietHours: { start: string; end: string } | null;
  digest: DigestMode;
  dailyDigestAt: string;
  /** Null until the person first saves: the web app then offers the browser's zone. */
  updatedAt: Date | null;
}

export interface PreferencesInput {
  kinds: { kind: string; inApp: boolean; email: boolean }[];
  timeZone: string;
  quietHours: { start: string; end: string } | null;
  digest: DigestMode;
  dailyDigestAt: string;
}

type Person = Extract<Actor, { type: "user" }>;

function requirePerson(ctx: ServiceContext): Person {
  requireActor(ctx);
  if (ctx.actor.type !== "user") throw forbidden("API tokens have no notification preferences.");
  return ctx.actor;
}

/** The signed-in person's channels per event kind, quiet hours, time zone and digest. */
export async function getPreferences(ctx: ServiceContext): Promise<PreferencesView> {
  const person = requirePerson(ctx);
  return readPreferences(ctx, person.userId);
}

async function readPreferences(ctx: ServiceContext, userId: string): Promise<PreferencesView> {
  const [settings] = await ctx.db
    .select()
    .from(notificationSettings)
    .where(eq(notificationSettings.userId, userId));
  const prefs = await ctx.db
    .select()
    .from(notificationPreferences)
    .where(eq(notificationPreferences.userId, userId));
  const received = await ctx.db
    .selectDistinct({ kind: notifications.kind })
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, userId),
        gt(notifications.createdAt, new Date(ctx.clock.now() - RECEIVED_KINDS_WINDOW_MS)),
      ),
    )
    .orderBy(asc(notifications.kind));
  const byKind = new Map<string, KindPreference>();
  for (const k of notificationKinds) byKind.set(k.kind, { ...k, inApp: true, email: true });
  // Kinds not in the catalogue (yet) still get a row once someone chose for them or received one.
  const other = (kind: string): KindPreference => ({
    kind,
    group: "Other",
    label: kind,
    inApp: true,
    email: true,
  });
  for (const { kind } of [...prefs, ...received]) if (!byKind.has(kind)) byKind.set(kind, other(kind));
  for (const p of prefs) {
    const k = byKind.get(p.kind)!;
    if (p.channel === "in_app") k.inApp = p.enabled;
    else k.email = p.enabled;
  }
  const s = settings ?? { ...defaultDeliverySettings, updatedAt: null };
  return {
    kinds: [...byKind.values()],
    timeZone: s.timeZone,
    quietHours:
      s.quietStart === null || s.quietEnd === null
        ? null
        : { start: minutesToClock(s.quietStart), end: minutesToClock(s.quietEnd) },
    digest: s.digest,
    dailyDigestAt: minutesToClock(s.dailyDigestAt),
    updatedAt: s.updatedAt,
  };
}

/** A short record of settings for the audit trail. */
const summary = (
  v: Pick<PreferencesView, "kinds" | "timeZone" | "quietHours" | "digest" | "dailyDigestAt">,
) => ({
  timeZone: v.timeZone,
  quietHours: v.quietHours,
  digest: v.digest,
  dailyDigestAt: v.dailyDigestAt,
  turnedOff: v.kinds.flatMap((k) => [
    ...(k.inApp ? [] : [`${k.kind}:in_app`]),
    ...(k.email ? [] : [`${k.kind}:email`]),
  ]),
});

/**
 * Replaces the signed-in person's preferences (kinds not listed go back to the default: every
 * channel on) and settings, and records the change in their audit trail.
 */
export async function updatePreferences(
  ctx: ServiceContext,
  input: PreferencesInput,
): Promise<PreferencesView> {
  const person = requirePerson(ctx);
  const problems: FieldProblem[] = [];
  if (!isValidZone(input.timeZone)) {
    problems.push({ path: "body.timeZone", message: "must be an IANA time zone such as Europe/Berlin" });
  }
  if (input.quietHours && input.quietHours.start === input.quietHours.end) {
    problems.push({ path: "body.quietHours.end", message: "must differ from the start" });
  }
  const seen = new Set<string>();
  input.kinds.forEach((k, i) => {
    if (seen.has(k.kind)) problems.push({ path: `body.kinds.${i}.kind`, message: `lists ${k.kind} twice` });
    seen.add(k.kind);
  });
  if (problems.length) {
    throw new AppError("validation_failed", problems.map((p) => `${p.path} ${p.message}`).join("; "), {
      errors: problems,
    });
  }
  // Intl accepts any letter case; store the canonical spelling so the page shows it back.
  const timeZone = new Intl.DateTimeFormat("en-US", { timeZone: input.timeZone }).resolvedOptions().timeZone;
  return withTransaction(ctx, async (tx) => {
    const before = await readPreferences(tx, person.userId);
    const now = new Date(tx.clock.now());
    await tx.db.delete(notificationPreferences).where(eq(notificationPreferences.userId, person.userId));
    const rows = input.kinds.flatMap((k) =>
      (
        [
          ["in_app", k.inApp],
          ["email", k.email],
        ] as [NotificationChannel, boolean][]
      ).map(([channel, enabled]) => ({
        userId: person.userId,
        kind: k.kind,
        channel,
        enabled,
        updatedAt: now,
      })),
    );
    if (rows.length) await tx.db.insert(notificationPreferences).values(rows);
    const settings = {
      timeZone,
      quietStart: input.quietHours ? clockToMinutes(input.quietHours.start) : null,
      quietEnd: input.quietHours ? clockToMinutes(input.quietHours.end) : null,
      digest: input.digest,
      dailyDigestAt: clockToMinutes(input.dailyDigestAt),
      updatedAt: now,
    };
    await tx.db
      .insert(notificationSettings)
      .values({ userId: person.userId, ...settings })
      .onConflictDoUpdate({ target: notificationSettings.userId, set: settings });
    const after = await readPreferences(tx, person.userId);
    await appendEvent(tx.db, {
      scope: "user",
      chain: person.userId,
      actor: eventActor(person),
      action: "notification_preferences.updated",
      subject: { type: "user", id: person.userId, label: person.name },
      before: summary(before),
      after: summary(after),
      requestId: tx.requestId,
      occurredAt: now.getTime(),
    });
    return after;
  });
}
