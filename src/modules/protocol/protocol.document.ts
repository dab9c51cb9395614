import { z } from "zod";
import { clientRoles, providerRoles } from "../../core/http/actor.ts";
import {
  DURATION_HINT,
  DURATION_PATTERN,
  parseDuration,
  parseFraction,
  parseSegment,
  parseTarget,
  SEGMENT_PATTERN,
  TIME_PATTERN,
} from "./protocol.durations.ts";

/**
 * The protocol document: everything a client and its MSP agree on, as the YAML people write.
 * This schema checks the shape and the small languages (durations, hours, dates); cross-field
 * contradictions are checked in protocol.validate.ts, and protocol.compile.ts turns a valid
 * document into the parsed form the rest of Liaison runs on.
 */

/** How a message quotes what someone wrote: 'text' for strings, JSON for anything else. */
export const quote = (v: unknown): string => (typeof v === "string" ? `'${v}'` : JSON.stringify(v));
const plain = (what: string) => (iss: { input?: unknown }) => `${quote(iss.input)} is not ${what}`;

const Text = z.string().trim().min(1, "must not be empty");
const LongText = Text.max(4000, "must be at most 4000 characters");

export const DurationText = z
  .string()
  .refine((s) => parseDuration(s) !== null, {
    error: (iss) => `${quote(iss.input)} is not a duration; ${DURATION_HINT}`,
  })
  .meta({ pattern: DURATION_PATTERN, description: "A duration: 15m, 4h, 1h30m, 3d, 2 business days" });

export const TargetText = z
  .string()
  .refine((s) => parseTarget(s) !== null, {
    error: (iss) =>
      `${quote(iss.input)} is not a duration; ${DURATION_HINT}, or next_business_day or as_available`,
  })
  .meta({
    description:
      "A duration (15m, 4h, 2 business days), next_business_day (by the start of the next business day; for resolution, by its end) or as_available (no deadline, tracked)",
    examples: ["15m", "4h", "next_business_day", "as_available"],
  });

const FractionText = z
  .union([z.string(), z.number()])
  .refine((v) => parseFraction(v) !== null, {
    error: (iss) => `${quote(iss.input)} is not a share of the target; write e.g. 50% or 75%`,
  })
  .meta({ description: "A share of the target, e.g. 75%" });

export const DateText = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: plain("a date; write YYYY-MM-DD, e.g. 2026-12-24") })
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    {
      error: plain("a real calendar date"),
    },
  );

const SegmentText = z
  .string()
  .refine((s) => parseSegment(s) !== null, {
    error: plain("a time range; write e.g. 08:00-12:00 (24-hour clock, end after start, 24:00 allowed)"),
  })
  .meta({ pattern: SEGMENT_PATTERN });

const TimeText = z
  .string()
  .regex(new RegExp(TIME_PATTERN), { error: plain("a time; write HH:MM, e.g. 02:00") });

const Timezone = z
  .string()
  .refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat("en-US", { timeZone: tz });
        return tz.includes("/") || tz === "UTC";
      } catch {
        return false;
      }
    },
    { error: plain("a time zone; write an IANA name such as America/New_York or Europe/London") },
  )
  .meta({
    description: "IANA time zone, e.g. America/New_York",
    examples: ["America/New_York", "Europe/London"],
  });

const RRuleText = z
  .string()
  .regex(/^(RRULE:)?FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)(;[A-Z]+=[A-Z0-9,+-]+)*$/i, {
    error: plain("a recurrence rule; write e.g. FREQ=WEEKLY;BYDAY=SU or FREQ=MONTHLY;BYDAY=1SA (RFC 5545)"),
  })
  .meta({ description: "An RFC 5545 recurrence rule without DTSTART, e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=TU" });

export const weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export const severities = ["critical", "high", "medium", "low"] as const;
export type Severity = (typeof severities)[number];
export const ticketStates = [
  "new",
  "acknowledged",
  "in_progress",
  "waiting_on_client",
  "resolved",
  "closed",
] as const;
export const clockNames = ["response", "resolution", "updates"] as const;
export type ClockName = (typeof clockNames)[number];
export const peopleAffected = ["one", "team", "many", "everyone"] as const;
export const changeClasses = ["routine", "normal", "significant", "emergency"] as const;
export const audiences = ["executive", "technical", "it_contact", "end_users"] as const;

const ClientRole = z.enum(clientRoles);
const ProviderRole = z.enum(providerRoles);
const AnyRole = z.enum([...clientRoles, ...providerRoles]);
const Email = z.email({ error: plain("an email address") });

const Hours = z.union([
  z.literal("24x7"),
  z.strictObject(Object.fromEntries(weekdays.map((d) => [d, z.array(SegmentText).optional()]))) as z.ZodType<
    Partial<Record<(typeof weekdays)[number], string[]>>
  >,
]);

const Observed = z.enum(["none", "nearest_weekday", "next_weekday"]).meta({
  description:
    "When the date falls on a weekend: nearest_weekday (Saturday → Friday, Sunday → Monday), next_weekday (→ the next weekday not already a holiday), none",
});

const Holiday = z
  .strictObject({
    name: Text,
    date: DateText.optional().meta({ description: "A one-off date" }),
    month: z.int().min(1).max(12).optional(),
    day: z.int().min(1).max(31).optional(),
    weekday: z.enum(weekdays).optional(),
    nth: z
      .union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5), z.literal(-1)])
      .optional()
      .meta({ description: "Which weekday of the month: 1–5, or -1 for the last" }),
    easter: z
      .int()
      .min(-60)
      .max(60)
      .optional()
      .meta({ description: "Days from Easter Sunday: Good Friday -2" }),
    observed: Observed.optional(),
  })
  .meta({
    description:
      "A holiday: {name, date} once; {name, month, day} every year; {name, month, weekday, nth} e.g. fourth Thursday of November; {name, easter: -2}",
  });

const Exception = z.strictObject({
  date: DateText,
  name: Text.optional(),
  closed: z.boolean().optional(),
  hours: z.array(SegmentText).optional().meta({ description: "Opening hours that day instead of the usual" }),
});

const Clock = z.enum(["24x7", "business"]);
const TargetSpec = z.strictObject({ within: TargetText, clock: Clock });

const SeveritySpec = z.strictObject({
  name: Text,
  impact: LongText.meta({ description: "The business impact, shown to people when they choose a severity" }),
  examples: z.array(Text).optional(),
  response: TargetSpec.meta({ description: "Response means acknowledged and investigation started" }),
  resolution: TargetSpec,
  updates: z.strictObject({ every: DurationText, clock: Clock }).meta({
    description: "How often the provider must post an investigation update while the ticket is open",
  }),
});

const ImpactRule = z.strictObject({
  people_affected: z.array(z.enum(peopleAffected)).min(1).optional(),
  workaround: z.boolean().optional(),
  critical_function_stopped: z.boolean().optional(),
  severity: z.enum(severities),
});

const Trigger = z.union([
  z.literal("manual"),
  z.strictObject({
    clock: z.enum(clockNames),
    at: FractionText.optional().meta({
      description: "Share of the target that triggers this level, e.g. 75%",
    }),
    after_breach: DurationText.optional().meta({ description: "Time after the target was breached" }),
  }),
]);

const EscalationLevel = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/, { error: plain("an id; use lower case letters, digits and _") }),
  name: Text,
  side: z.enum(["client", "provider"]),
  roles: z.array(AnyRole).default([]),
  people: z.array(Email).default([]),
  trigger: Trigger,
  requested_by: z.array(AnyRole).default([]).meta({
    description: "Roles (either side) that may escalate to this level by hand, with a justification",
  }),
  authority: z.strictObject({ summary: LongText, decisions: z.array(Text).default([]) }),
});

const ChangeClass = z.strictObject({
  description: LongText,
  approval: z.strictObject({
    mode: z.enum(["standing", "any_of", "all_of", "after_the_fact"]).meta({
      description:
        "standing: approved automatically inside a maintenance window (outside one, as a normal change); any_of: one of the roles approves; all_of: every role approves; after_the_fact: made under on-call authority and reviewed afterwards",
    }),
    roles: z.array(ClientRole).default([]),
  }),
  notice: DurationText.meta({ description: "Advance notice lead time before the change starts" }),
  reminders: z.array(DurationText).default([]).meta({ description: "Reminders this long before the start" }),
  realtime_notices: z.boolean().default(false),
  post_change_notice: z.boolean().default(true),
  review_within: DurationText.optional(),
});

const MaintenanceWindow = z.strictObject({
  name: Text,
  rule: RRuleText,
  at: TimeText.meta({ description: "Local start time in the protocol's time zone" }),
  duration: DurationText,
  from: DateText.optional().meta({ description: "First date the rule counts from (default 2026-01-01)" }),
  systems: z.array(Text).default([]),
});

const Blackout = z.strictObject({
  name: Text,
  from: DateText.optional(),
  to: DateText.optional(),
  rule: RRuleText.optional(),
  at: TimeText.optional(),
  duration: DurationText.optional(),
  reason: LongText.optional(),
});

const Authority = z.strictObject({
  action: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, { error: plain("an action id; use lower case letters, digits and _") }),
  label: Text,
  approver_roles: z.array(AnyRole).default([]),
});

const ScopeItem = z.strictObject({
  item: Text,
  examples: z.array(Text).default([]),
  notes: LongText.optional(),
});

export const ProtocolDocument = z
  .strictObject({
    liaison_protocol: z.literal(1).meta({ description: "Document format version" }),
    title: Text,
    timezone: Timezone,
    calendar: z.strictObject({
      hours: Hours,
      holidays: z.array(Holiday).default([]),
      exceptions: z.array(Exception).default([]),
    }),
    severities: z.strictObject({
      critical: SeveritySpec,
      high: SeveritySpec,
      medium: SeveritySpec,
      low: SeveritySpec,
    }),
    impact_matrix: z.strictObject({
      people_affected: z.strictObject({ one: Text, team: Text, many: Text, everyone: Text }),
      rules: z.array(ImpactRule).min(1, "needs at least one rule"),
    }),
    clock_pauses: z.strictObject({
      response: z.array(z.enum(ticketStates)).default([]),
      resolution: z.array(z.enum(ticketStates)).default([]),
      updates: z.array(z.enum(ticketStates)).default([]),
    }),
    tickets: z.strictObject({
      close_resolved_after: DurationText.meta({
        description: "A resolved ticket closes after this long without a reply from the client",
      }),
    }),
    escalation: z.strictObject({ levels: z.array(EscalationLevel).min(1, "needs at least one level") }),
    changes: z.strictObject({
      classes: z.strictObject({
        routine: ChangeClass,
        normal: ChangeClass,
        significant: ChangeClass,
        emergency: ChangeClass,
      }),
      maintenance_windows: z.array(MaintenanceWindow).default([]),
      blackouts: z.array(Blackout).default([]),
    }),
    emergencies: z.strictObject({
      criteria: z.array(Text).min(1, "needs at least one criterion"),
      acknowledge_within: DurationText.meta({
        description: "Time for the person paged to acknowledge before the next person is paged",
      }),
      oncall_authority: z.strictObject({
        without_approval: z.array(Authority).default([]),
        needs_approval: z.array(Authority).default([]),
      }),
      post_incident_review_within: DurationText,
      restoration_test_max_age: DurationText.meta({
        description: "A restoration plan untested for longer than this is flagged",
      }),
    }),
    touchpoints: z.strictObject({
      rule: RRuleText,
      at: TimeText,
      from: DateText.optional(),
      duration: DurationText,
      attendees: z.strictObject({
        client: z.array(ClientRole).default([]),
        provider: z.array(ProviderRole).default([]),
      }),
      agenda_before: DurationText.meta({ description: "How long before each meeting the agenda is sent" }),
      link: z.string().optional(),
    }),
    reports: z
      .array(
        z.strictObject({
          audience: z.enum(audiences),
          name: Text,
          rule: RRuleText,
          recipients: z.array(AnyRole).min(1, "needs at least one recipient role"),
          includes: z.array(Text).default([]),
        }),
      )
      .default([]),
    scope: z.strictObject({
      included: z.array(ScopeItem).default([]),
      billable: z.array(ScopeItem).default([]),
      out_of_scope: z.array(ScopeItem).default([]),
    }),
  })
  .meta({
    title: "Liaison protocol document",
    description:
      "The communication protocol between a client and its managed service provider: calendar, severities, escalation, changes, emergencies, touchpoints, reports and scope.",
  });

export type ProtocolDoc = z.output<typeof ProtocolDocument>;
export type ProtocolDocInput = z.input<typeof ProtocolDocument>;

/** The published JSON Schema, for editors (yaml-language-server) to autocomplete and check. */
export function protocolJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ProtocolDocument, { io: "input", unrepresentable: "any", target: "draft-2020-12" });
}
