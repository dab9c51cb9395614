import { and, desc, eq, isNull, lte, min } from "drizzle-orm";
import type { ServiceContext } from "../core/http/context.ts";
import { outbox } from "../core/notify/notify.tables.ts";
import { zoneTable } from "../core/time/intervals.ts";
import { loadUserActor } from "../modules/identity/auth.service.ts";
import { relationships, users } from "../modules/identity/identity.tables.ts";
import {
  acknowledgeEmergency,
  addEmergencyNote,
  completeEmergencyAction,
  declareEmergency,
  decideEmergencyAction,
  logEmergencyAction,
  postEmergencyUpdate,
  resolveEmergency,
} from "../modules/oncall/emergencies.service.ts";
import { runDueOncallTimers } from "../modules/oncall/oncall.jobs.ts";
import { emergencies, incidentReviews, restorationPlans } from "../modules/oncall/oncall.tables.ts";
import { formatLocalDateTime, type Restriction } from "../modules/oncall/oncall.rotation.ts";
import {
  createRestorationPlan,
  type PlanInput,
  recordRestorationTest,
  type TestInput,
} from "../modules/oncall/restoration.service.ts";
import {
  addReviewAction,
  completeReviewAction,
  getReview,
  listReviews,
  signReview,
  updateReview,
} from "../modules/oncall/reviews.service.ts";
import {
  addContactMethod,
  createOverride,
  createSchedule,
  getSchedule,
  type ScheduleInput,
  verifyContactMethod,
} from "../modules/oncall/schedules.service.ts";
import {
  acknowledgeTicket,
  createTicket,
  postInvestigationUpdate,
  resolveTicket,
  runDueTimers,
} from "../modules/tickets/tickets.service.ts";
import { tickets } from "../modules/tickets/tickets.tables.ts";

/**
 * The demo's on-call picture, replayed through the same services people use at the moments it
 * happened (each step runs on a clock set to its time, and the ticket and on-call timers run
 * in between at each moment one falls due, as the worker would have), so pages escalate, overdue
 * notices go out and plans go stale by themselves:
 *
 * - Each provider keeps a shared schedule in its own zone: a weekly primary rotation of its
 *   technicians handing off on Mondays at 09:00 and the account manager as secondary. Bluefin
 *   also has an after-hours rotation (restrictions: weeknights and weekends) that takes over the
 *   primary layer outside the working day. Lumen has a schedule of its own whose secondary covers
 *   weekdays only, so its on-call page warns of the weekend gap; Harbor (the main relationship)
 *   is covered throughout. Each provider has one swap coming up next week.
 * - Pager addresses: Marcus confirmed his long ago, Dana confirmed hers after the emergency
 *   below, Sam added one a few minutes ago and has not entered the code yet.
 * - Restoration plans for three or four critical systems per relationship, with their test
 *   histories: tested recently, tested eight months ago (stale under the protocol's 180 days),
 *   never tested (stale), and one whose last test failed.
 * - An emergency at Harbor two or three Sundays ago at 02:00: declared by Leo (IT contact); Dana,
 *   the primary, does not acknowledge within 10 minutes, so Priya (secondary) is paged and
 *   acknowledges; she fails over to the 4G backup (within on-call authority), asks to change the
 *   firewall configuration (Leo approves), carries it out, posts updates every half hour and
 *   resolves. Its review is written, has three prevention actions (one done, one open, one
 *   overdue), and is signed by the provider, waiting for the client (and overdue).
 * - An older critical ticket at Cascade ↔ Bluefin (the ERP stopped) whose review is finished:
 *   written by both sides, its actions done, signed by both.
 *
 * Nothing is left paging: a newcomer's worker would page people at once.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const NEW_YORK = "America/New_York";
const CHICAGO = "America/Chicago";

const people = {
  // Northwind Managed IT
  priya: "priya@northwind-it.example",
  marcus: "marcus@northwind-it.example",
  dana: "dana@northwind-it.example",
  sam: "sam@northwind-it.example",
  // Bluefin Technology Partners
  elena: "elena@bluefin.example",
  tom: "tom@bluefin.example",
  aisha: "aisha@bluefin.example",
  // Harbor Food Bank
  leo: "leo@harborfoodbank.example",
  // Cascade Precision Manufacturing
  victor: "victor@cascade-precision.example",
  // Lumen Analytics
  chris: "chris@lumen-analytics.example",
};

// ---------------------------------------------------------------------------------------------
// Local time in a zone

const wallOf = (zone: string, t: number) => zoneTable(zone).instantToWall(t);
const instantOf = (zone: string, wall: number) => zoneTable(zone).wallToInstant(wall);
const midnightWall = (zone: string, t: number) => Math.floor(wallOf(zone, t) / DAY) * DAY;

/** The latest instant at or before `t` when the zone's clocks read `weekday` (0 = Sunday) at hh:mm. */
function lastLocal(zone: string, t: number, weekday: number, hour: number, minute = 0): number {
  const today = midnightWall(zone, t);
  for (let back = 0; back <= 8; back++) {
    const day = today - back * DAY;
    if (new Date(day).getUTCDay() !== weekday) continue;
    const at = instantOf(zone, day + hour * HOUR + minute * MINUTE);
    if (at <= t) return at;
  }
  throw new Error("unreachable: every week has that weekday");
}

/** The latest working day (Monday to Friday) at hh:mm at or before `t`. */
function lastWeekdayAt(zone: string, t: number, hour: number, minute = 0): number {
  const today = midnightWall(zone, t);
  for (let back = 0; ; back++) {
    const day = today - back * DAY;
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const at = instantOf(zone, day + hour * HOUR + minute * MINUTE);
    if (at <= t) return at;
  }
}

/** hh:mm on the `n`-th working day (Monday to Friday) after the local day of `t`. */
function workdayAt(zone: string, t: number, n: number, hour: number, minute = 0): number {
  let day = midnightWall(zone, t);
  for (let left = n; left > 0;) {
    day += DAY;
    const weekday = new Date(day).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return instantOf(zone, day + hour * HOUR + minute * MINUTE);
}

/** hh:mm on the local day `days` after the day of `t`. */
const localAt = (zone: string, t: number, days: number, hour: number, minute = 0) =>
  instantOf(zone, midnightWall(zone, t) + days * DAY + hour * HOUR + minute * MINUTE);

/** "YYYY-MM-DD" of `t` in the zone. */
const localDate = (zone: string, t: number) => new Date(wallOf(zone, t)).toISOString().slice(0, 10);

/** "YYYY-MM-DDTHH:MM" of a local wall time, as rotations take it. */
const localStamp = (wall: number) => formatLocalDateTime(wall);

const iso = (t: number) => new Date(t).toISOString();

// ---------------------------------------------------------------------------------------------
// Restoration plans

interface DemoPlan {
  relationship: string;
  by: string;
  plan: Omit<PlanInput, "executorUserIds"> & { executors?: string[] };
  /** Tests from before Liaison, recorded when the plan is written: [how long before the demo loads, test]. */
  history?: [ago: number, test: Omit<TestInput, "testedAt">][];
  /** Tests recorded when they happened: [how long before the demo loads, who, test]. */
  later?: [ago: number, by: string, test: Omit<TestInput, "testedAt">][];
}

const plans: DemoPlan[] = [
  // Harbor ↔ Northwind: tested recently, last test failed, tested eight months ago, never tested.
  {
    relationship: "harbor/northwind",
    by: people.marcus,
    plan: {
      system: "File server FS01",
      strategy: "restore_from_backup",
      expectedRestore: "4h",
      recoveryPoint: "24h",
      runbook: [
        "Confirm FS01 cannot be repaired in place (failed disk array, or files encrypted by ransomware) and tell Leo Martins which shares are affected.",
        "Restore the latest good nightly image of FS01 to the standby host HV02 from the backup storage (the cloud vault copy if the office rack is affected).",
        "Check the share permissions with a test account of each group: Staff, Volunteers, Warehouse.",
        "Point the FS01 DNS record to the restored server and ask the warehouse to open the shift schedule.",
        "Tell Leo what may be lost: changes made after the backup the image was taken from.",
      ],
      executorRoles: ["senior_technician", "technician"],
      executors: [people.marcus, people.dana],
      notes:
        "Nightly backups at 01:00 to the backup storage in the office rack, copied to the cloud vault at 05:00; 30 days kept.",
    },
    history: [
      [
        122 * DAY,
        {
          outcome: "passed",
          took: "3h 10m",
          notes:
            "Quarterly test: full restore of FS01 (1.2 TB) to HV02; permissions checked with a volunteer account.",
        },
      ],
    ],
    later: [
      [
        9 * DAY,
        people.marcus,
        {
          outcome: "passed",
          took: "2h 45m",
          notes:
            "Quarterly test: restored last night's image to HV02; Rosa opened the shift schedule and a donor letter from the restored copy.",
        },
      ],
    ],
  },
  {
    relationship: "harbor/northwind",
    by: people.marcus,
    plan: {
      system: "Internet connection",
      strategy: "fail_over",
      expectedRestore: "15m",
      recoveryPoint: "0m",
      runbook: [
        "Check the fibre router: if its WAN light is red, call the ISP's fault line and note the reference.",
        "If the firewall has not failed over by itself within 5 minutes, switch its WAN to the 4G backup router (interface WAN2).",
        "Check that the warehouse scanners, the freezer alarms and the phones work over 4G; the guest Wi-Fi stays off.",
        "When the ISP has repaired the fibre, fail back to WAN1 and check the VPN tunnels.",
      ],
      executorRoles: ["senior_technician", "technician", "account_manager"],
      executors: [people.marcus, people.leo],
      notes:
        "The ISP's fault line and account number are in Northwind's password vault under 'Harbor ISP'. Leo can switch to 4G by hand on site. 4G plan: 20 GB a month.",
    },
    history: [
      [
        150 * DAY,
        {
          outcome: "passed",
          took: "9m",
          notes:
            "Unplugged the fibre at 07:00, before the warehouse opened: the firewall failed over to 4G in 40 seconds; everything checked within 9 minutes.",
        },
      ],
    ],
    later: [
      [
        4 * DAY,
        people.dana,
        {
          outcome: "failed",
          took: "25m",
          notes:
            "Retest after EMG-1: the firewall did not fail over by itself — its health check still pings the old ISP gateway. Switched by hand after 25 minutes. The health check target is being fixed; the test will be repeated.",
        },
      ],
    ],
  },
  {
    relationship: "harbor/northwind",
    by: people.sam,
    plan: {
      system: "Donor CRM",
      strategy: "restore_from_backup",
      expectedRestore: "8h",
      recoveryPoint: "24h",
      runbook: [
        "Ask the CRM vendor whether the problem is on their side (support portal; the contract number is in the notes).",
        "Restore the CRM server from last night's snapshot to the standby host.",
        "If the snapshot is older than the last database backup, restore the database from that backup too.",
        "Ask the fundraising team to check donor search, exports and the thank-you letter templates.",
      ],
      executorRoles: ["senior_technician"],
      executors: [people.sam],
      notes:
        "Vendor support contract HFB-20417. A new host needs a licence key from the vendor (about 2 hours).",
    },
    history: [
      [
        242 * DAY,
        {
          outcome: "passed",
          took: "6h 20m",
          notes:
            "Restored to the standby host; the vendor had to reissue the licence key for it (2 hours of the total).",
        },
      ],
    ],
  },
  {
    relationship: "harbor/northwind",
    by: people.dana,
    plan: {
      system: "Print server PRN01",
      strategy: "repair_in_place",
      expectedRestore: "2h",
      recoveryPoint: "24h",
      runbook: [
        "Restart the print spooler; if it keeps stopping, find the driver that crashes it in the event log.",
        "Roll back the last driver update, or move the warehouse printers to the temporary print server.",
        "Print a test label on each warehouse printer and tell the dock supervisor.",
      ],
      executorRoles: ["technician", "senior_technician"],
      executors: [people.dana],
      notes:
        "The temporary print server is the VM template PRN-TEMP on HV02, with last year's Zebra driver package.",
    },
  },

  // Cascade ↔ Northwind
  {
    relationship: "cascade/northwind",
    by: people.marcus,
    plan: {
      system: "MES database server",
      strategy: "restore_from_backup",
      expectedRestore: "2h",
      recoveryPoint: "15m",
      runbook: [
        "Stop the MES application service so the terminals stop writing.",
        "Restore the last full backup of the MES database to the standby server, then the log backups up to the failure (every 15 minutes).",
        "Point the MES application at the standby server and start it.",
        "Ask an operator on each line to record a test batch.",
      ],
      executorRoles: ["senior_technician"],
      executors: [people.marcus],
    },
    history: [
      [
        45 * DAY,
        {
          outcome: "passed",
          took: "1h 35m",
          notes: "Restored to the standby server during the Sunday window; line 2 recorded a test batch.",
        },
      ],
    ],
  },
  {
    relationship: "cascade/northwind",
    by: people.marcus,
    plan: {
      system: "Production network",
      strategy: "repair_in_place",
      expectedRestore: "1h",
      recoveryPoint: "0m",
      runbook: [
        "Find the failed switch from the monitoring map.",
        "Replace it with the pre-configured spare from the server room and load the line's VLAN template.",
        "Restart the MES terminals of the line one by one with an operator on site.",
      ],
      executorRoles: ["senior_technician", "technician"],
      notes:
        "The spare switch is labelled SPARE-CORE in the server room; templates are in the configuration backup.",
    },
    history: [
      [
        95 * DAY,
        {
          outcome: "partial",
          took: "1h 20m",
          notes:
            "The spare switch took the line 3 template, but two MES terminals kept stale DHCP leases and had to be restarted by hand.",
        },
      ],
    ],
  },
  {
    relationship: "cascade/northwind",
    by: people.victor,
    plan: {
      system: "Quality lab share",
      strategy: "restore_from_backup",
      expectedRestore: "4h",
      recoveryPoint: "24h",
      runbook: [
        "Restore the share from the nightly backup to its server.",
        "Check the path LIMS keeps in its own settings still points at it.",
        "Ask the quality lab to open yesterday's inspection reports from LIMS.",
      ],
      executorRoles: ["senior_technician", "technician"],
      notes:
        "LIMS stores the share path in its own database (see the rolled-back change to move this share).",
    },
  },

  // Cascade ↔ Bluefin
  {
    relationship: "cascade/bluefin",
    by: people.tom,
    plan: {
      system: "ERP",
      strategy: "repair_in_place",
      expectedRestore: "4h",
      recoveryPoint: "1h",
      runbook: [
        "Check the ERP application and database services on ERP-APP01 and ERP-DB01, and the free space on the database's log disk.",
        "Repair what stopped (restart services, free the log disk, restart the database).",
        "If the database is damaged, restore the last full backup and the hourly log backups up to the failure.",
        "Ask Karen Walsh to check order entry and a stock report before telling everyone it is back.",
      ],
      executorRoles: ["senior_technician"],
      executors: [people.tom, people.aisha],
      notes: "ERP vendor support: priority line in Bluefin's vault under 'Cascade ERP'.",
    },
    history: [
      [
        60 * DAY,
        {
          outcome: "passed",
          took: "2h 40m",
          notes:
            "Database restored to the test server from the full backup and 6 log backups; Karen checked the stock report.",
        },
      ],
    ],
  },
  {
    relationship: "cascade/bluefin",
    by: people.tom,
    plan: {
      system: "Office file server",
      strategy: "restore_from_backup",
      expectedRestore: "4h",
      recoveryPoint: "24h",
      runbook: [
        "Restore the latest nightly image to the standby host.",
        "Check the department shares with a test account of each department.",
        "Switch the DNS name to the restored server.",
      ],
      executorRoles: ["senior_technician", "technician"],
    },
    history: [[250 * DAY, { outcome: "passed", took: "3h 30m" }]],
  },
  {
    relationship: "cascade/bluefin",
    by: people.aisha,
    plan: {
      system: "Internet connection",
      strategy: "fail_over",
      expectedRestore: "10m",
      recoveryPoint: "0m",
      runbook: [
        "Check that the firewall moved to the second ISP (it does so by itself).",
        "If it did not, switch the default route to the second ISP by hand.",
        "Check the VPN to the plant and the MES link.",
      ],
      executorRoles: ["senior_technician", "technician"],
    },
    history: [
      [
        70 * DAY,
        { outcome: "passed", took: "6m", notes: "Primary line unplugged; failover took 50 seconds." },
      ],
    ],
  },

  // Lumen ↔ Bluefin
  {
    relationship: "lumen/bluefin",
    by: people.tom,
    plan: {
      system: "Analytics cluster",
      strategy: "fail_over",
      expectedRestore: "1h",
      recoveryPoint: "15m",
      runbook: [
        "Promote the standby cluster in the second region.",
        "Switch the dashboards' DNS name to the standby load balancer.",
        "Open each client dashboard and ask Chris Young to confirm.",
      ],
      executorRoles: ["senior_technician"],
      executors: [people.tom],
    },
    history: [[40 * DAY, { outcome: "passed", took: "48m" }]],
  },
  {
    relationship: "lumen/bluefin",
    by: people.aisha,
    plan: {
      system: "Shared drive",
      strategy: "restore_from_backup",
      expectedRestore: "4h",
      recoveryPoint: "24h",
      runbook: [
        "Restore the shared drive from the cloud backup to the file server.",
        "Check that the Excel models open with their links to S: intact.",
      ],
      executorRoles: ["technician", "senior_technician"],
      executors: [people.aisha],
    },
    history: [[215 * DAY, { outcome: "passed", took: "3h 5m" }]],
    later: [
      [
        20 * DAY,
        people.aisha,
        {
          outcome: "failed",
          took: "2h",
          notes:
            "The restore stopped at 60%: the backup service throttles downloads above 200 GB a day. Vendor case open; we will test again once the limit is raised.",
        },
      ],
    ],
  },
  {
    relationship: "lumen/bluefin",
    by: people.chris,
    plan: {
      system: "Client dashboards",
      strategy: "repair_in_place",
      expectedRestore: "2h",
      recoveryPoint: "0m",
      runbook: [
        "Check the analytics cluster and the load balancer's certificate.",
        "Redeploy the dashboards from the release pipeline.",
        "Open each client's dashboard with a test login.",
      ],
      executorRoles: ["senior_technician"],
    },
  },
];

// ---------------------------------------------------------------------------------------------
// The replay

interface Step {
  t: number;
  what: string;
  run: () => Promise<void>;
}

export interface DemoOncallCounts {
  schedules: number;
  overrides: number;
  restorationPlans: number;
  restorationTests: number;
  emergencies: number;
  reviews: number;
}

/**
 * Loads the on-call demo after the tickets and changes: builds every story's steps, then replays
 * them in time order, running the ticket and on-call timers at every moment one falls due.
 */
export async function loadDemoOncall(
  ctx: ServiceContext,
  rels: Map<string, string>,
): Promise<DemoOncallCounts> {
  const now = ctx.clock.now();
  const userIds = new Map<string, string>();
  const names = new Map<string, string>();
  const userIdOf = async (email: string) => {
    if (!userIds.has(email)) {
      const [u] = await ctx.db
        .select({ id: users.id, name: users.name })
        .from(users)
        .where(eq(users.email, email));
      if (!u) throw new Error(`The demo person ${email} is missing.`);
      userIds.set(email, u.id);
      names.set(u.id, u.name);
    }
    return userIds.get(email)!;
  };
  for (const email of Object.values(people)) await userIdOf(email);
  const actors = new Map<string, ServiceContext["actor"]>();
  const at = (t: number): ServiceContext => ({ ...ctx, clock: { now: () => t } });
  const as = async (email: string, t: number): Promise<ServiceContext> => {
    if (!actors.has(email))
      actors.set(email, await loadUserActor(ctx.db, await userIdOf(email), "demo-loader"));
    return { ...at(t), actor: actors.get(email)! };
  };
  const id = (email: string) => userIds.get(email)!;
  const nameOf = (userId: string) => names.get(userId) ?? "someone";
  const rel = (key: string) => {
    const r = rels.get(key);
    if (!r) throw new Error(`The demo relationship ${key} is missing.`);
    return r;
  };
  const providerOf = async (key: string) => {
    const [r] = await ctx.db
      .select({ providerOrgId: relationships.providerOrgId })
      .from(relationships)
      .where(eq(relationships.id, rel(key)));
    return r!.providerOrgId;
  };
  const northwind = await providerOf("harbor/northwind");
  const bluefin = await providerOf("lumen/bluefin");

  const steps: Step[] = [];
  const step = (t: number, what: string, run: () => Promise<void>) => steps.push({ t, what, run });
  const counts: DemoOncallCounts = {
    schedules: 0,
    overrides: 0,
    restorationPlans: 0,
    restorationTests: 0,
    emergencies: 0,
    reviews: 0,
  };

  /** A pager address added by its owner, and (unless `confirm` is false) confirmed with the code sent to it. */
  const pager = async (email: string, t: number, address: string, label: string, confirm = true) => {
    const c = await as(email, t);
    const method = await addContactMethod(c, { address, label });
    if (!confirm) return;
    // The person reads the code on the pager: the message the service queued to that address.
    const [sent] = await ctx.db
      .select({ payload: outbox.payload })
      .from(outbox)
      .where(and(eq(outbox.userId, id(email)), eq(outbox.kind, "contact_method.code")))
      .orderBy(desc(outbox.createdAt))
      .limit(1);
    const code = /(\d{6})/.exec((sent?.payload as { subject?: string } | undefined)?.subject ?? "")?.[1];
    if (!code) throw new Error(`No confirmation code was sent to ${address}.`);
    await verifyContactMethod(await as(email, t + 2 * MINUTE), method.id, { code });
  };

  // --- The emergency's Sunday, which the Northwind rotation is laid out around ---------------
  // Two or three Sundays ago at 02:00 in New York; Dana is primary that week.
  const sunday = lastLocal(NEW_YORK, now - 14 * DAY, 0, 2);
  const emergencyWeek = lastLocal(NEW_YORK, sunday, 1, 9);

  // --- Schedules (a month ago, right after the protocols were signed) -----------------------
  const setup = now - 29 * DAY;
  const scheduleIds = new Map<string, string>();
  const schedule = (t: number, by: string, orgId: string, key: string, input: () => Promise<ScheduleInput>) =>
    step(t, `schedule ${key}`, async () => {
      const created = await createSchedule(await as(by, t), orgId, await input());
      scheduleIds.set(key, created.schedule.id);
      counts.schedules++;
    });
  schedule(setup, people.priya, northwind, "northwind", async () => ({
    name: "Northwind on call",
    timeZone: NEW_YORK,
    layerNames: { "1": "Primary", "2": "Secondary" },
    rotations: [
      {
        name: "Weekly primary",
        layer: 1,
        participants: [id(people.marcus), id(people.dana), id(people.sam)],
        // Four weeks before the emergency's week: the rotation's fifth turn (Dana's) covers it.
        start: localStamp(wallOf(NEW_YORK, emergencyWeek) - 28 * DAY),
        every: 1,
        unit: "week",
        restrictions: [],
        end: null,
      },
      {
        name: "Account manager backup",
        layer: 2,
        participants: [id(people.priya)],
        start: localStamp(wallOf(NEW_YORK, emergencyWeek) - 28 * DAY),
        every: 1,
        unit: "week",
        restrictions: [],
        end: null,
      },
    ],
  }));
  const bluefinMonday = wallOf(CHICAGO, lastLocal(CHICAGO, setup, 1, 9));
  const afterHours: Restriction[] = [
    { days: ["mon", "tue", "wed", "thu", "fri"], from: "18:00", to: "08:00" },
    { days: ["sat", "sun"], from: "08:00", to: "08:00" },
  ];
  schedule(setup + 20 * MINUTE, people.elena, bluefin, "bluefin", async () => ({
    name: "Bluefin on call",
    timeZone: CHICAGO,
    layerNames: { "1": "Primary", "2": "Secondary" },
    rotations: [
      {
        name: "Weekly primary (working hours)",
        layer: 1,
        participants: [id(people.tom), id(people.aisha)],
        start: localStamp(bluefinMonday),
        every: 1,
        unit: "week",
        restrictions: [],
        end: null,
      },
      {
        // Later rotations win within a layer: nights and weekends go to this one, a day at a time.
        name: "After hours",
        layer: 1,
        participants: [id(people.aisha), id(people.tom)],
        start: localStamp(bluefinMonday - HOUR),
        every: 1,
        unit: "day",
        restrictions: afterHours,
        end: null,
      },
      {
        name: "Account manager backup",
        layer: 2,
        participants: [id(people.elena)],
        start: localStamp(bluefinMonday),
        every: 1,
        unit: "week",
        restrictions: [],
        end: null,
      },
    ],
  }));
  schedule(setup + 40 * MINUTE, people.elena, bluefin, "lumen", async () => ({
    name: "Lumen Analytics — analytics cluster",
    timeZone: CHICAGO,
    relationshipId: rel("lumen/bluefin"),
    layerNames: { "1": "Primary", "2": "Secondary" },
    rotations: [
      {
        name: "Cluster specialists",
        layer: 1,
        participants: [id(people.aisha), id(people.tom)],
        start: localStamp(bluefinMonday),
        every: 1,
        unit: "week",
        restrictions: [],
        end: null,
      },
      {
        // Elena backs up on weekdays only; nobody is arranged as secondary at weekends yet.
        name: "Account manager, weekdays",
        layer: 2,
        participants: [id(people.elena)],
        start: localStamp(bluefinMonday),
        every: 1,
        unit: "week",
        restrictions: [{ days: ["mon", "tue", "wed", "thu", "fri"], from: "00:00", to: "24:00" }],
        end: null,
      },
    ],
  }));
  step(setup + 1 * HOUR, "Marcus's pager", () =>
    pager(people.marcus, setup + 1 * HOUR, "marcus.pager@sms.northwind-it.example", "Pager"),
  );
  step(now - 15 * MINUTE, "Sam's pager, not confirmed yet", () =>
    pager(people.sam, now - 15 * MINUTE, "sam.pager@sms.northwind-it.example", "Pager", false),
  );

  // --- Upcoming swaps (arranged two days ago, for next week) ---------------------------------
  /** `giver`'s time in [start, end) on layer 1 of a schedule, handed by them to the next person of `turns`. */
  const swap = (
    t: number,
    orgId: string,
    key: string,
    manager: string,
    start: number,
    end: number,
    turns: string[],
    reason: (giver: string, taker: string) => string,
  ) =>
    step(t, `swap on ${key}`, async () => {
      const scheduleId = scheduleIds.get(key)!;
      const view = await getSchedule(await as(manager, t), orgId, scheduleId, {
        from: iso(start),
        to: iso(end),
      });
      const mine = view.timeline.shifts.filter((s) => s.layer === 1);
      const giver = mine[0]?.userId;
      if (!giver || mine.some((s) => s.userId !== giver))
        throw new Error(`The swap on ${key} expects one person on call from ${iso(start)} to ${iso(end)}.`);
      const giverEmail = turns.find((e) => id(e) === giver)!;
      const taker = turns[(turns.indexOf(giverEmail) + 1) % turns.length]!;
      await createOverride(await as(giverEmail, t), orgId, scheduleId, {
        layer: 1,
        userId: id(taker),
        start: iso(start),
        end: iso(end),
        reason: reason(nameOf(giver), nameOf(id(taker))),
      });
      counts.overrides++;
    });
  {
    // Northwind: next week's primary hands the weekend (Saturday 09:00 to Monday 09:00) over.
    const nextMonday = wallOf(NEW_YORK, lastLocal(NEW_YORK, now, 1, 9)) + 7 * DAY;
    swap(
      now - 2 * DAY,
      northwind,
      "northwind",
      people.priya,
      instantOf(NEW_YORK, nextMonday + 5 * DAY),
      instantOf(NEW_YORK, nextMonday + 7 * DAY),
      [people.marcus, people.dana, people.sam],
      (giver, taker) =>
        `Swap: ${giver} is at a family wedding that weekend; ${taker} covers it and ${giver} takes ${taker}'s next weekend.`,
    );
    // Bluefin: next Wednesday's night (18:00 to Thursday 08:00, after hours) changes hands.
    const nextMondayChicago = midnightWall(CHICAGO, lastLocal(CHICAGO, now, 1, 9)) + 7 * DAY;
    swap(
      now - 2 * DAY + 30 * MINUTE,
      bluefin,
      "bluefin",
      people.elena,
      instantOf(CHICAGO, nextMondayChicago + 2 * DAY + 18 * HOUR),
      instantOf(CHICAGO, nextMondayChicago + 3 * DAY + 8 * HOUR),
      [people.tom, people.aisha],
      (giver, taker) =>
        `Swap: ${giver} drives to a client site early Thursday morning; ${taker} takes Wednesday night and ${giver} takes ${taker}'s Friday night.`,
    );
  }

  // --- Restoration plans (written four weeks ago, with the tests people had on record) -------
  const planIds = new Map<string, string>();
  plans.forEach((p, i) => {
    const t = now - 28 * DAY + i * 10 * MINUTE;
    step(t, `restoration plan ${p.plan.system}`, async () => {
      const c = await as(p.by, t);
      const { executors = [], ...fields } = p.plan;
      const created = await createRestorationPlan(c, rel(p.relationship), {
        ...fields,
        executorUserIds: executors.map(id),
      });
      planIds.set(`${p.relationship}/${p.plan.system}`, created.id);
      counts.restorationPlans++;
      // Recorded in the same moment, before any sweep: the plan is stale only if these leave it so.
      for (const [ago, test] of p.history ?? []) {
        await recordRestorationTest(c, rel(p.relationship), created.id, {
          ...test,
          testedAt: iso(localAt(NEW_YORK, now - ago, 0, 7)),
        });
        counts.restorationTests++;
      }
    });
    for (const [ago, by, test] of p.later ?? [])
      step(localAt(NEW_YORK, now - ago, 0, 10), `restoration test ${p.plan.system}`, async () => {
        const planId = planIds.get(`${p.relationship}/${p.plan.system}`)!;
        await recordRestorationTest(
          await as(by, localAt(NEW_YORK, now - ago, 0, 10)),
          rel(p.relationship),
          planId,
          test,
        );
        counts.restorationTests++;
      });
  });

  // --- An older critical ticket at Cascade ↔ Bluefin, reviewed and signed by both sides ------
  {
    const relId = rel("cascade/bluefin");
    const start = lastWeekdayAt(NEW_YORK, now - 24 * DAY, 7, 50);
    const s: { ticketId?: string; reviewId?: string; actions: Map<string, string> } = { actions: new Map() };
    const ticketStep = (t: number, by: string, what: string, fn: (c: ServiceContext) => Promise<void>) =>
      step(t, `ERP ticket: ${what}`, async () => fn(await as(by, t)));
    ticketStep(start, people.victor, "raise", async (c) => {
      const t = await createTicket(
        c,
        relId,
        {
          title: "ERP down — orders cannot be entered or shipped",
          description:
            "Since about 07:40 the ERP shows 'database unavailable' for everyone. Order entry and the shipping desk are stopped; the morning trucks are waiting.",
          impact: { peopleAffected: "many", workaround: false, criticalFunctionStopped: true },
          affectedSystems: ["ERP"],
          affectedPeopleCount: 60,
        },
        "web",
      );
      s.ticketId = t.id;
    });
    ticketStep(start + 7 * MINUTE, people.aisha, "acknowledge", async (c) => {
      await acknowledgeTicket(c, relId, s.ticketId!, { note: "Connecting to ERP-DB01 now." });
    });
    const updates: [number, string, { found: string; trying: string; next: string }][] = [
      [
        25 * MINUTE,
        people.aisha,
        {
          found: "The transaction log disk of ERP-DB01 is full; the database stopped accepting writes.",
          trying: "Freeing space by moving old log backups off the disk.",
          next: "Bring the database back online, then check order entry with Karen.",
        },
      ],
      [
        50 * MINUTE,
        people.tom,
        {
          found:
            "The transaction log backups have not run for 9 days: the backup job's service account password expired. The database is online again since 08:35.",
          trying: "Ran a log backup by hand and shrank the log; watching the disk.",
          next: "Karen checks order entry and the shipping desk; then we fix the backup job.",
        },
      ],
      [
        75 * MINUTE,
        people.tom,
        {
          found: "Order entry and shipping work again since 08:50; the morning trucks are loading.",
          trying: "Moving the backup job to a managed service account whose password never expires.",
          next: "Resolve once the next hourly log backup has run.",
        },
      ],
    ];
    for (const [after, by, update] of updates)
      ticketStep(start + after, by, "update", async (c) => {
        await postInvestigationUpdate(c, relId, s.ticketId!, update);
      });
    ticketStep(start + 100 * MINUTE, people.tom, "resolve", async (c) => {
      await resolveTicket(c, relId, s.ticketId!, {
        summary: "The ERP is back for everyone since 08:35, and the hourly log backups run again.",
        rootCause:
          "The service account of the transaction log backup job had a password that expired 9 days earlier; without log backups the log disk filled up and the database stopped.",
        fix: "Freed the log disk, ran a log backup by hand, and moved the backup job to a managed service account.",
        prevention:
          "An alert when a log backup has not run for 2 hours, and a monthly check of service account passwords (see the review).",
      });
      const { reviews } = await listReviews(c, relId);
      s.reviewId = reviews.find((r) => r.ticketId === s.ticketId)?.id;
      if (!s.reviewId) throw new Error("The ERP ticket's review did not open.");
      counts.reviews++;
    });
    const day1 = workdayAt(NEW_YORK, start, 1, 10);
    ticketStep(day1, people.tom, "review written", async (c) => {
      const r = await getReview(c, relId, s.reviewId!);
      await updateReview(c, relId, s.reviewId!, {
        revision: r.revision,
        whatHappened:
          "At about 07:40 the ERP stopped for everyone: the transaction log disk of ERP-DB01 was full. Victor raised a critical ticket at 07:50 and Aisha acknowledged it at 07:57 and found the full disk; Tom found why — the log backup job had not run for 9 days because its service account's password had expired. The database was online again at 08:35, and order entry and shipping worked from 08:50.",
        wentWell:
          "Acknowledged in 7 minutes, updates about every 25 minutes, and the cause found within the hour. Karen checked order entry with us, so we knew when the business was really back.",
        couldBeBetter:
          "Nothing told us the log backups had stopped for 9 days: the backup report only showed the nightly full backups.",
      });
    });
    const actions: [string, string, string, number][] = [
      ["alert", "Alert when an ERP transaction log backup has not run for 2 hours", people.tom, 7],
      [
        "accounts",
        "Check service account passwords monthly; backup jobs run under managed service accounts",
        people.aisha,
        10,
      ],
      [
        "shipping",
        "Add the shipping supervisor to the Finance team group so ERP notices reach the shipping desk",
        people.victor,
        5,
      ],
    ];
    ticketStep(day1 + 10 * MINUTE, people.tom, "review actions", async (c) => {
      for (const [key, title, owner, days] of actions) {
        const r = await addReviewAction(c, relId, s.reviewId!, {
          title,
          ownerUserId: id(owner),
          dueOn: localDate(NEW_YORK, workdayAt(NEW_YORK, start, days, 12)),
        });
        s.actions.set(key, r.actions.find((a) => a.title === title)!.id);
      }
    });
    ticketStep(workdayAt(NEW_YORK, start, 1, 14), people.victor, "client's part of the review", async (c) => {
      const r = await getReview(c, relId, s.reviewId!);
      await updateReview(c, relId, s.reviewId!, {
        revision: r.revision,
        couldBeBetter: `${r.couldBeBetter}\n\nFrom Cascade: the shipping desk heard of the outage from the drivers, not from us. Our shipping supervisor now gets the ERP notices.`,
      });
    });
    const done: [string, string, number, number, string][] = [
      ["shipping", people.victor, 2, 9, "Added to the Finance team group."],
      [
        "alert",
        people.tom,
        2,
        15,
        "Monitoring alerts the on-call technician after 2 hours without a log backup; tested by pausing the job.",
      ],
      [
        "accounts",
        people.aisha,
        3,
        11,
        "Both backup jobs moved to managed service accounts; the monthly check is on the technicians' checklist.",
      ],
    ];
    for (const [key, by, days, hour, note] of done)
      ticketStep(workdayAt(NEW_YORK, start, days, hour), by, "review action done", async (c) => {
        await completeReviewAction(c, relId, s.reviewId!, s.actions.get(key)!, { note });
      });
    for (const [by, hour] of [
      [people.tom, 14],
      [people.victor, 16],
    ] as const)
      ticketStep(workdayAt(NEW_YORK, start, 3, hour, 30), by, "review signed", async (c) => {
        const r = await getReview(c, relId, s.reviewId!);
        await signReview(c, relId, s.reviewId!, { revision: r.revision });
      });
  }

  // --- The emergency at Harbor, 02:00 on a Sunday ---------------------------------------------
  {
    const relId = rel("harbor/northwind");
    const s: { emergencyId?: string; ticketId?: string; entryId?: string; reviewId?: string } = {};
    const actions = new Map<string, string>();
    const emergencyStep = (
      after: number,
      by: string,
      what: string,
      fn: (c: ServiceContext) => Promise<void>,
    ) => step(sunday + after, `emergency: ${what}`, async () => fn(await as(by, sunday + after)));
    emergencyStep(0, people.leo, "declared", async (c) => {
      const e = await declareEmergency(c, relId, {
        title: "No internet at the warehouse and office — freezer alarms offline",
        description:
          "Since about 01:50 the warehouse and the office have no internet. The freezer temperature alarms cannot reach the monitoring service and the night shift cannot print tomorrow's dispatch lists. The fibre router's WAN light is red.",
        affectedSystem: "Internet connection",
        criteria: ["A site has no network or internet connectivity."],
      });
      s.emergencyId = e.id;
      s.ticketId = e.ticketId;
      counts.emergencies++;
    });
    // Nobody acknowledges Dana's page within 10 minutes: the timers page the secondary at 02:10.
    emergencyStep(14 * MINUTE, people.priya, "acknowledged", async (c) => {
      await acknowledgeEmergency(c, relId, s.emergencyId!);
    });
    emergencyStep(17 * MINUTE, people.priya, "fail over", async (c) => {
      await logEmergencyAction(c, relId, s.emergencyId!, {
        action: "fail_over",
        detail:
          "Switched the firewall's WAN to the 4G backup router: it had not failed over by itself. The office and the warehouse scanners are back online over 4G since 02:16.",
      });
    });
    emergencyStep(20 * MINUTE, people.leo, "note", async (c) => {
      await addEmergencyNote(c, relId, s.emergencyId!, {
        body: "The night shift has the dispatch screens back, but the freezer alarms and the phones are still offline.",
      });
    });
    emergencyStep(24 * MINUTE, people.priya, "asks to change the firewall configuration", async (c) => {
      const e = await logEmergencyAction(c, relId, s.emergencyId!, {
        action: "configuration_change",
        detail:
          "Move the freezer alarms and the phones onto the 4G link: the firewall's policy routes send them over the fibre only. Until the fibre is repaired; the guest Wi-Fi stays off 4G.",
      });
      s.entryId = e.log.findLast((l) => l.action === "configuration_change")!.id;
    });
    emergencyStep(29 * MINUTE, people.leo, "approves", async (c) => {
      await decideEmergencyAction(c, relId, s.emergencyId!, s.entryId!, {
        decision: "approve",
        note: "Approved. The freezers matter most; keep the guest Wi-Fi off the 4G link.",
      });
    });
    emergencyStep(36 * MINUTE, people.priya, "carried out", async (c) => {
      await completeEmergencyAction(c, relId, s.emergencyId!, s.entryId!, {
        note: "Policy routes changed at 02:35; the freezer sensors report again and a test call to the warehouse worked.",
      });
    });
    const updates: [number, { found: string; trying: string; next: string }][] = [
      [
        40 * MINUTE,
        {
          found:
            "The ISP confirms a fibre cut on Harbor Street (roadworks); every customer on the street is down.",
          trying:
            "The site runs on the 4G backup: scanners, dispatch, freezer alarms and phones (Leo approved moving the last two onto it).",
          next: "The ISP's repair crew is on its way; next update by 03:10.",
        },
      ],
      [
        68 * MINUTE,
        {
          found: "The ISP's crew is splicing the cable; they expect service back within the hour.",
          trying: "Watching the 4G data use: 1.2 GB so far of the 20 GB plan.",
          next: "Fail back to the fibre when the ISP's line is up; next update by 03:40.",
        },
      ],
      [
        96 * MINUTE,
        {
          found: "The ISP repaired the fibre at 03:30 and the line has been stable since.",
          trying:
            "Failing back to the fibre now, then checking the VPN tunnels and the freezer alarms on it.",
          next: "Resolve once everything has run on the fibre for 10 minutes.",
        },
      ],
    ];
    for (const [after, update] of updates)
      emergencyStep(after, people.priya, "update", async (c) => {
        await postEmergencyUpdate(c, relId, s.emergencyId!, update);
      });
    emergencyStep(112 * MINUTE, people.priya, "resolved", async (c) => {
      await resolveEmergency(c, relId, s.emergencyId!, {
        summary:
          "The ISP repaired the fibre at 03:30; the site is back on the fibre since 03:41 and the 4G backup is on standby again.",
        rootCause:
          "Roadworks on Harbor Street cut the ISP's fibre cable; every customer on the street lost service.",
        fix: "Ran the site on the 4G backup router (freezer alarms and phones moved onto it, approved by Leo), then failed back to the fibre once the ISP had spliced the cable.",
        prevention:
          "Fix the firewall's automatic failover, raise the 4G data plan so it can carry the whole site, and get a quote for a second line on a different route (see the review).",
      });
      const { reviews } = await listReviews(c, relId);
      s.reviewId = reviews.find((r) => r.ticketId === s.ticketId)?.id;
      if (!s.reviewId) throw new Error("The emergency's review did not open.");
      counts.reviews++;
    });

    // The review: written on Monday, three prevention actions, signed by the provider on Wednesday.
    const reviewStep = (
      days: number,
      hour: number,
      minute: number,
      by: string,
      what: string,
      fn: (c: ServiceContext) => Promise<void>,
    ) => {
      const t = localAt(NEW_YORK, sunday, days, hour, minute);
      step(t, `emergency review: ${what}`, async () => fn(await as(by, t)));
    };
    reviewStep(1, 10, 0, people.priya, "written", async (c) => {
      const r = await getReview(c, relId, s.reviewId!);
      await updateReview(c, relId, s.reviewId!, {
        revision: r.revision,
        whatHappened:
          "At about 01:50 on Sunday roadworks cut the ISP's fibre on Harbor Street. Leo declared an emergency at 02:00. Dana, primary on call, was paged but did not acknowledge: the page reached only her mailbox, which her phone silences at night. At 02:10 the secondary (Priya) was paged; she acknowledged at 02:14, failed the site over to the 4G backup router at 02:17 and, with Leo's approval, moved the freezer alarms and the phones onto the 4G link at 02:35. The ISP repaired the fibre at 03:30 and the site was back on the fibre at 03:41.",
        wentWell:
          "The paging chain worked as agreed: the secondary was paged at exactly 10 minutes. The 4G backup carried the site, Leo approved the configuration change from the emergency page within five minutes, and updates went out every half hour.",
        couldBeBetter:
          "The primary's page did not ring: every on-call person needs a confirmed pager address, tested at night. The firewall did not fail over by itself. The freezer alarms and the phones were not on the failover path, and the 20 GB 4G plan would not have lasted a working day.",
      });
    });
    const actionList: [string, string, string, number][] = [
      [
        "pager",
        "Add a confirmed pager address (the on-call phone) and test a night-time page",
        people.dana,
        4,
      ],
      ["plan", "Raise the 4G backup's data plan from 20 GB to 100 GB a month", people.leo, 8],
      ["line", "Get a quote for a second internet line on a different route", people.priya, 42],
    ];
    reviewStep(1, 10, 20, people.priya, "actions", async (c) => {
      for (const [key, title, owner, days] of actionList) {
        const r = await addReviewAction(c, relId, s.reviewId!, {
          title,
          ownerUserId: id(owner),
          dueOn: localDate(NEW_YORK, localAt(NEW_YORK, sunday, days, 12)),
        });
        actions.set(key, r.actions.find((a) => a.title === title)!.id);
      }
    });
    {
      const t = localAt(NEW_YORK, sunday, 2, 11);
      step(t, "Dana's pager", () =>
        pager(people.dana, t, "dana.oncall@sms.northwind-it.example", "On-call phone (SMS)"),
      );
    }
    reviewStep(2, 11, 10, people.dana, "pager action done", async (c) => {
      await completeReviewAction(c, relId, s.reviewId!, actions.get("pager")!, {
        note: "The on-call phone's SMS address is confirmed on my account; a test page at 23:00 rang through Do Not Disturb.",
      });
    });
    reviewStep(3, 16, 0, people.priya, "signed by the provider", async (c) => {
      const r = await getReview(c, relId, s.reviewId!);
      await signReview(c, relId, s.reviewId!, { revision: r.revision });
    });
  }

  // --- Replay in time order ------------------------------------------------------------------
  /**
   * The earliest moment at or before `until` when a ticket or on-call timer is due (a ticket
   * clock, the next page, a review deadline or action due date, a plan going stale), or null.
   */
  const nextDue = async (until: number): Promise<number | null> => {
    const by = new Date(until);
    const found = [
      ...(await ctx.db
        .select({ t: min(tickets.nextCheckAt) })
        .from(tickets)
        .where(lte(tickets.nextCheckAt, by))),
      ...(await ctx.db
        .select({ t: min(emergencies.nextPageAt) })
        .from(emergencies)
        .where(and(eq(emergencies.state, "paging"), lte(emergencies.nextPageAt, by)))),
      ...(await ctx.db
        .select({ t: min(incidentReviews.nextCheckAt) })
        .from(incidentReviews)
        .where(lte(incidentReviews.nextCheckAt, by))),
      ...(await ctx.db
        .select({ t: min(restorationPlans.staleAt) })
        .from(restorationPlans)
        .where(
          and(
            isNull(restorationPlans.staleNotifiedAt),
            isNull(restorationPlans.archivedAt),
            lte(restorationPlans.staleAt, by),
          ),
        )),
    ]
      .map((r) => (r.t === null ? null : new Date(r.t).getTime()))
      .filter((t): t is number => t !== null);
    return found.length ? Math.min(...found) : null;
  };
  /**
   * Runs the timers at each moment one falls due up to `until`, as the worker would have, then at
   * `until`. Never earlier than they last ran: a plan whose test history makes it stale long ago
   * is noticed when it is written, not before.
   */
  let timersAt = -Infinity;
  const runTimersAt = async (t: number) => {
    timersAt = Math.max(timersAt, t);
    await runDueTimers(at(timersAt));
    await runDueOncallTimers(at(timersAt));
  };
  const catchUp = async (until: number) => {
    let last = -Infinity;
    for (let due = await nextDue(until); due !== null; due = await nextDue(until)) {
      const when = Math.max(due, timersAt);
      if (when <= last) break;
      last = when;
      await runTimersAt(when);
    }
    await runTimersAt(until);
  };
  const ordered = steps.map((s, i) => ({ ...s, i })).sort((a, b) => a.t - b.t || a.i - b.i);
  for (const s of ordered) {
    if (s.t > now) throw new Error(`The demo step "${s.what}" would happen in the future.`);
    await catchUp(s.t);
    try {
      await s.run();
    } catch (err) {
      throw new Error(`The on-call demo step "${s.what}" at ${iso(s.t)} failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  await catchUp(now);
  return counts;
}
