import { and, eq } from "drizzle-orm";
import type { ServiceContext } from "../core/http/context.ts";
import { zoneTable } from "../core/time/intervals.ts";
import { users } from "../modules/identity/identity.tables.ts";
import { loadUserActor } from "../modules/identity/auth.service.ts";
import { loadActiveProtocol } from "../modules/protocol/protocol.service.ts";
import type { CompiledProtocol } from "../modules/protocol/protocol.compile.ts";
import { tickets } from "../modules/tickets/tickets.tables.ts";
import { createGroup } from "../modules/changes/changes.calendar.ts";
import {
  type ChangeClass,
  earliestStartWithNotice,
  latestNoticeAt,
  type WindowOccurrence,
  windowsBetween,
} from "../modules/changes/changes.plan.ts";
import {
  approveChange,
  cancelChange,
  type ChangeInput,
  createChange,
  finishChange,
  recordChange,
  rejectChange,
  requestReschedule,
  rescheduleChange,
  reviewChange,
  runDueChangeTimers,
  scheduleChange,
  startChange,
} from "../modules/changes/changes.service.ts";

/**
 * The demo's change requests: a dozen across the four relationships, replayed through the same
 * services people use at the moments they happened (each step runs on a clock set to its time,
 * and the change timers run in between, as the worker would have). The list and the calendar
 * then show every state people meet: a routine patch approved automatically inside the Sunday
 * window, changes waiting for one or both approvals, one moved at the client's request (approval
 * round 2), one approved and scheduled with its reminder still planned, one in progress, past
 * ones completed with their post-change notice, a failed one with its review due, a rolled-back
 * one already reviewed, a cancelled one, a rejected one, and an unannounced change the client
 * reported, with the notices it missed.
 *
 * Planned times come from the protocol in effect (the default template: maintenance window on
 * Sundays 02:00–06:00 New York time, notice of 2, 3 and 5 business days for routine, normal and
 * significant changes), so every proposal gives full notice whatever day the demo is loaded, and
 * nothing starts before its planned start.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A change as the provider plans it; times are epoch ms, groups and tickets by name and title. */
type DemoChangeInput = Omit<
  ChangeInput,
  "plannedStart" | "plannedEnd" | "affectedGroupIds" | "relatedTicketIds"
> & {
  start: number;
  end: number;
  groups?: string[];
  tickets?: string[];
};

type Step =
  | { do: "propose"; by: string; change: DemoChangeInput }
  | {
      do: "record";
      by: string;
      change: {
        title: string;
        description: string;
        impact?: string;
        affectedSystems: string[];
        startedAt: number;
        endedAt?: number;
      };
    }
  | { do: "approve"; by: string; reason?: string }
  | { do: "reject"; by: string; reason: string }
  | { do: "askReschedule"; by: string; reason: string; suggestedStart?: number }
  | { do: "reschedule"; by: string; start: number; end: number; reason: string }
  | { do: "schedule"; by: string }
  | { do: "start"; by: string }
  | {
      do: "finish";
      by: string;
      outcome: "completed" | "failed" | "rolled_back";
      notes: string;
      followUps?: string;
    }
  | { do: "review"; by: string; summary: string; lessons: string }
  | { do: "cancel"; by: string; reason: string };

/** Moments on one relationship's protocol, relative to when the demo loads. */
interface Moments {
  now: number;
  /** The first maintenance window starting at or after `from`. */
  windowFrom(from: number): WindowOccurrence;
  /** The n-th most recent maintenance window that has ended (1: the last one). */
  pastWindow(n: number): WindowOccurrence;
  /** The earliest start with the class's full notice, for a change announced at `at`. */
  noticeFrom(cls: ChangeClass, at: number): number;
  /** The latest moment a change of this class starting at `start` can be announced. */
  announceBy(cls: ChangeClass, start: number): number;
  /** The last moment at or before `t` when the protocol's clocks read `hour`:00. */
  localHourBefore(t: number, hour: number): number;
}

interface DemoChange {
  relationship: string;
  /** [when, what happened], oldest first, from moments the protocol allows. */
  story: (m: Moments) => [at: number, step: Step][];
}

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
  grace: "grace@harborfoodbank.example",
  leo: "leo@harborfoodbank.example",
  rosa: "rosa@harborfoodbank.example",
  ben: "ben@harborfoodbank.example",
  // Cascade Precision Manufacturing
  helen: "helen@cascade-precision.example",
  victor: "victor@cascade-precision.example",
  karen: "karen@cascade-precision.example",
  omar: "omar@cascade-precision.example",
  julia: "julia@cascade-precision.example",
  // Lumen Analytics
  maya: "maya@lumen-analytics.example",
  chris: "chris@lumen-analytics.example",
  nina: "nina@lumen-analytics.example",
};

/** User groups, kept by the client's IT contact or executive, set up in the first week. */
const groups: { relationship: string; by: string; name: string; description: string; members: string[] }[] = [
  {
    relationship: "harbor/northwind",
    by: people.leo,
    name: "Warehouse",
    description: "Warehouse and dock staff: label printers, handheld scanners, dock Wi-Fi.",
    members: [people.ben, people.rosa],
  },
  {
    relationship: "cascade/northwind",
    by: people.victor,
    name: "Production floor",
    description: "Line operators, the quality lab and engineering.",
    members: [people.omar, people.julia],
  },
  {
    relationship: "cascade/bluefin",
    by: people.victor,
    name: "Finance team",
    description: "Everyone who runs the ERP's month-end close and its reports.",
    members: [people.karen, people.helen],
  },
  {
    relationship: "lumen/bluefin",
    by: people.maya,
    name: "Analysts",
    description: "Everyone who builds the client models and dashboards.",
    members: [people.nina, people.chris],
  },
];

const changes: DemoChange[] = [
  // Harbor ↔ Northwind
  {
    // Routine patching inside the next Sunday window: approved at once by standing approval.
    relationship: "harbor/northwind",
    story: (m) => {
      const proposed = m.now - 1 * DAY;
      const w = m.windowFrom(Math.max(m.noticeFrom("routine", proposed), m.now));
      return [
        [
          proposed,
          {
            do: "propose",
            by: people.dana,
            change: {
              class: "routine",
              title: "Monthly Windows security updates",
              description:
                "Install this month's Windows security updates on the file server FS01, the print server PRN01 and the office PCs, then restart them.",
              reason:
                "Closes the vulnerabilities Microsoft published this month, two of them rated critical.",
              impact:
                "Each server restarts once (about 10 minutes). Office PCs left switched on restart during the night.",
              expectedDowntimeMinutes: 20,
              risk: "low",
              testing: "Installed on Northwind's test servers last week and on two Harbor PCs on Tuesday.",
              rollbackPlan:
                "Snapshots of FS01 and PRN01 are taken first; an update that misbehaves is uninstalled from the update history.",
              affectedSystems: ["File server FS01", "Print server PRN01", "Office PCs"],
              groups: ["Warehouse"],
              start: w.start,
              end: w.start + 2 * HOUR,
            },
          },
        ],
      ];
    },
  },
  {
    // A normal change waiting for the client: in Rosa's and Leo's queues.
    relationship: "harbor/northwind",
    story: (m) => {
      const proposed = m.now - 30 * MINUTE;
      const w = m.windowFrom(m.noticeFrom("normal", proposed));
      return [
        [
          proposed,
          {
            do: "propose",
            by: people.marcus,
            change: {
              class: "normal",
              title: "Add a second disk shelf to the backup storage",
              description:
                "Install a second 12 TB disk shelf in the backup storage, extend the backup volume onto it, and run a full backup of FS01 to check it.",
              reason:
                "The backup target is full: the nightly backups of FS01 failed on the last two nights (see the ticket).",
              impact:
                "Nothing changes for staff. Until the shelf is in, FS01 is backed up to a temporary target with 7 days of history instead of 30.",
              expectedDowntimeMinutes: 0,
              risk: "medium",
              rollbackPlan:
                "The existing volume is not touched until the new shelf passes its test; if it fails, the shelf is removed and backups stay on the temporary target.",
              affectedSystems: ["Backup storage"],
              tickets: ["Nightly backup of the file server failed twice"],
              start: w.start,
              end: w.start + 3 * HOUR,
            },
          },
        ],
      ];
    },
  },
  {
    // Moved a week at the client's request: approval round 2, approved again.
    relationship: "harbor/northwind",
    story: (m) => {
      const proposed = m.now - 2 * DAY;
      const first = m.windowFrom(m.noticeFrom("normal", proposed));
      const moved = m.now - 20 * HOUR;
      const second = m.windowFrom(Math.max(first.start + DAY, m.noticeFrom("normal", moved)));
      return [
        [
          proposed,
          {
            do: "propose",
            by: people.marcus,
            change: {
              class: "normal",
              title: "Replace the warehouse Wi-Fi access points",
              description:
                "Replace the four warehouse access points with the new model already on site, and move the handheld scanners to the new network.",
              reason:
                "The old access points are out of support and drop the scanners near the loading dock several times a day.",
              impact:
                "No Wi-Fi in the warehouse during the work; the handheld scanners reconnect by themselves afterwards.",
              expectedDowntimeMinutes: 180,
              risk: "medium",
              testing: "The new access points and one scanner were tested in Northwind's lab.",
              rollbackPlan: "The old access points stay labelled on the shelf and go back up in 30 minutes.",
              affectedSystems: ["Warehouse Wi-Fi", "Handheld scanners"],
              groups: ["Warehouse"],
              start: first.start,
              end: first.end,
            },
          },
        ],
        [
          m.now - 1 * DAY,
          {
            do: "askReschedule",
            by: people.rosa,
            reason:
              "The Sunday pickup for the partner pantries starts at 05:00 that day and the dock needs the scanners. Could you move it a week?",
            suggestedStart: m.windowFrom(first.start + DAY).start,
          },
        ],
        [
          moved,
          {
            do: "reschedule",
            by: people.marcus,
            start: second.start,
            end: second.end,
            reason: "Moved as Rosa asked: the warehouse needs the scanners during the Sunday pickup.",
          },
        ],
        [
          m.now - 3 * HOUR,
          {
            do: "approve",
            by: people.leo,
            reason: "Fine on the new date; the warehouse is closed that Sunday.",
          },
        ],
      ];
    },
  },
  {
    // Done two Sundays ago: approved, scheduled, completed, post-change notice sent.
    relationship: "harbor/northwind",
    story: (m) => {
      const w = m.pastWindow(2);
      const proposed = m.announceBy("normal", w.start) - 1 * DAY;
      return [
        [
          proposed,
          {
            do: "propose",
            by: people.sam,
            change: {
              class: "normal",
              title: "Update the donor CRM to the vendor's spring release",
              description:
                "Install the spring release of the donor CRM on its server and update the desktop client on the fundraising team's PCs.",
              reason:
                "The vendor ends support for the current release next month; the new one fixes the slow donor search.",
              impact: "The donor CRM is unavailable during the update.",
              expectedDowntimeMinutes: 90,
              risk: "medium",
              testing: "Installed on a copy of Harbor's CRM database on Northwind's test server.",
              rollbackPlan:
                "Restore the CRM server from the snapshot taken before the update (about 40 minutes).",
              affectedSystems: ["Donor CRM"],
              start: w.start,
              end: w.start + 3 * HOUR,
            },
          },
        ],
        [proposed + 4 * HOUR, { do: "approve", by: people.rosa }],
        [proposed + 5 * HOUR, { do: "schedule", by: people.sam }],
        [w.start + 5 * MINUTE, { do: "start", by: people.sam }],
        [
          w.start + 1 * HOUR + 40 * MINUTE,
          {
            do: "finish",
            by: people.sam,
            outcome: "completed",
            notes:
              "Updated to the spring release; donor search, exports and the thank-you letter templates checked afterwards.",
          },
        ],
      ];
    },
  },

  // Cascade ↔ Northwind
  {
    // Significant: the approver has said yes, the IT contact has not yet.
    relationship: "cascade/northwind",
    story: (m) => {
      const proposed = m.now - 2 * DAY;
      const w = m.windowFrom(m.noticeFrom("significant", proposed));
      return [
        [
          proposed,
          {
            do: "propose",
            by: people.marcus,
            change: {
              class: "significant",
              title: "Replace the production floor core switches",
              description:
                "Replace the two core switches on the production floor with the new redundant pair, move every line's uplinks, and restore the VLAN configuration from the tested template.",
              reason:
                "The current switches are eight years old, out of support, and a single reboot stops every line's MES terminals.",
              impact:
                "The MES terminals and the quality lab lose the network while the uplinks move (about 30 minutes per line).",
              expectedDowntimeMinutes: 120,
              risk: "high",
              testing: "The new pair ran the production VLAN template in the lab for two weeks.",
              rollbackPlan:
                "The old switches stay racked and cabled until Monday; moving the uplinks back takes 20 minutes.",
              affectedSystems: ["Production network", "MES terminals"],
              groups: ["Production floor"],
              start: w.start,
              end: w.end,
            },
          },
        ],
        [
          m.now - 1 * DAY,
          { do: "approve", by: people.karen, reason: "Line 3 is idle that weekend; production agrees." },
        ],
      ];
    },
  },
  {
    // Rolled back two Sundays ago and reviewed the next day.
    relationship: "cascade/northwind",
    story: (m) => {
      const w = m.pastWindow(2);
      const proposed = m.announceBy("normal", w.start) - 1 * DAY;
      const finished = w.start + 3 * HOUR;
      return [
        [
          proposed,
          {
            do: "propose",
            by: people.marcus,
            change: {
              class: "normal",
              title: "Move the quality lab file share to the new NAS",
              description:
                "Copy the quality lab share to the new NAS, switch the lab PCs' mapped drive to it, and make the old share read-only.",
              reason: "The old file server is full and its disks are out of warranty.",
              impact: "The quality lab share is read-only during the copy.",
              expectedDowntimeMinutes: 60,
              risk: "medium",
              rollbackPlan:
                "Point the mapped drive back to the old server; its share is kept unchanged for a month.",
              affectedSystems: ["Quality lab share", "LIMS"],
              groups: ["Production floor"],
              start: w.start,
              end: w.end,
            },
          },
        ],
        [proposed + 1 * DAY, { do: "approve", by: people.victor }],
        [proposed + 1 * DAY + 1 * HOUR, { do: "schedule", by: people.marcus }],
        [w.start + 10 * MINUTE, { do: "start", by: people.dana }],
        [
          finished,
          {
            do: "finish",
            by: people.dana,
            outcome: "rolled_back",
            notes:
              "The copy finished, but LIMS kept pointing at the old share path stored in its own settings. The share was moved back to the old server at 05:00 and LIMS checked from the lab PC.",
            followUps: "Find every place LIMS stores the share path before trying again.",
          },
        ],
        [
          finished + 1 * DAY + 5 * HOUR,
          {
            do: "review",
            by: people.marcus,
            summary:
              "LIMS keeps its own copy of the share path in its database; the plan checked only the mapped drives.",
            lessons:
              "Ask the application vendor which paths their software stores before moving a share, and test with the application, not only the file explorer.",
          },
        ],
      ];
    },
  },
  {
    // Routine firmware last Sunday: approved automatically, completed, post-change notice sent.
    relationship: "cascade/northwind",
    story: (m) => {
      const w = m.pastWindow(1);
      const proposed = m.announceBy("routine", w.start) - 1 * DAY;
      return [
        [
          proposed,
          {
            do: "propose",
            by: people.dana,
            change: {
              class: "routine",
              title: "Firmware updates on the firewall and office switches",
              description:
                "Install the vendor's current firmware on the firewall and the three office switches.",
              reason: "Security fixes from the vendor's quarterly release.",
              impact: "Internet and office network drop for a few minutes while each device restarts.",
              expectedDowntimeMinutes: 15,
              risk: "low",
              rollbackPlan:
                "Each device keeps the previous firmware in its second slot; booting from it takes 5 minutes.",
              affectedSystems: ["Firewall", "Office switches"],
              start: w.start,
              end: w.start + 2 * HOUR,
            },
          },
        ],
        [proposed + 2 * HOUR, { do: "schedule", by: people.dana }],
        [w.start + 5 * MINUTE, { do: "start", by: people.dana }],
        [
          w.start + 1 * HOUR + 10 * MINUTE,
          {
            do: "finish",
            by: people.dana,
            outcome: "completed",
            notes:
              "All four devices run the new firmware; VPN, internet and the MES link checked afterwards.",
          },
        ],
      ];
    },
  },

  // Cascade ↔ Bluefin
  {
    // Failed last night; its review is due within two business days.
    relationship: "cascade/bluefin",
    story: (m) => {
      const start = m.localHourBefore(m.now - 12 * HOUR, 20);
      const proposed = m.announceBy("normal", start) - 1 * DAY;
      return [
        [
          proposed,
          {
            do: "propose",
            by: people.tom,
            change: {
              class: "normal",
              title: "Update the ERP to release 12.5",
              description:
                "Install ERP release 12.5 on the application and database servers, then run the vendor's checks.",
              reason: "12.5 fixes the stock valuation rounding error finance reported last quarter.",
              impact: "The ERP is unavailable in the evening during the update.",
              expectedDowntimeMinutes: 120,
              risk: "medium",
              testing: "Installed on the ERP test system; finance checked the valuation report there.",
              rollbackPlan: "Restore both servers from the snapshots taken before the update.",
              affectedSystems: ["ERP", "ERP reporting"],
              groups: ["Finance team"],
              start,
              end: start + 3 * HOUR,
            },
          },
        ],
        [
          proposed + 3 * HOUR,
          {
            do: "approve",
            by: people.karen,
            reason: "Evening is fine; finance is not working late that night.",
          },
        ],
        [proposed + 4 * HOUR, { do: "schedule", by: people.tom }],
        [start + 5 * MINUTE, { do: "start", by: people.tom }],
        [
          start + 2 * HOUR + 30 * MINUTE,
          {
            do: "finish",
            by: people.tom,
            outcome: "failed",
            notes:
              "The installer stopped at the database upgrade step (vendor error ERP-4471) and undid its own work; the ERP stayed on 12.4 and was back for everyone at 22:30.",
            followUps: "Vendor case opened; we propose a new date once the vendor sends a fixed installer.",
          },
        ],
      ];
    },
  },
  {
    // Rejected by the approver: not during month-end close.
    relationship: "cascade/bluefin",
    story: (m) => {
      const proposed = m.now - 3 * DAY;
      const w = m.windowFrom(m.noticeFrom("normal", proposed));
      return [
        [
          proposed,
          {
            do: "propose",
            by: people.elena,
            change: {
              class: "normal",
              title: "Move ERP reporting to its own database server",
              description:
                "Run the ERP's reports from a read-only copy of its database on a separate server, so long reports no longer slow down order entry.",
              reason: "Month-end reports compete with order entry for the same database.",
              impact: "Reports run from data up to 5 minutes old; saved report links change.",
              expectedDowntimeMinutes: 30,
              risk: "medium",
              rollbackPlan: "Point the report server back to the main database.",
              affectedSystems: ["ERP reporting"],
              groups: ["Finance team"],
              start: w.start,
              end: w.end,
            },
          },
        ],
        [
          m.now - 2 * DAY,
          {
            do: "reject",
            by: people.karen,
            reason:
              "Not while we close the month: finance needs the reports exactly as they are until the close is signed off. Please propose it again for the week after.",
          },
        ],
      ];
    },
  },
  {
    // In progress now: started shortly after its planned start.
    relationship: "cascade/bluefin",
    story: (m) => {
      const start = Math.floor((m.now - 90 * MINUTE) / HOUR) * HOUR;
      const proposed = m.announceBy("normal", start) - 2 * HOUR;
      return [
        [
          proposed,
          {
            do: "propose",
            by: people.tom,
            change: {
              class: "normal",
              title: "Move the office mailboxes to Exchange Online (second batch)",
              description:
                "Move the second batch of 80 office mailboxes (engineering, quality and purchasing) to Exchange Online.",
              reason: "The on-premises mail server is retired at the end of the quarter.",
              impact:
                "Mail keeps arriving. Outlook asks each person to restart it once their mailbox has moved; shared calendars may show old data for an hour.",
              expectedDowntimeMinutes: 0,
              risk: "low",
              testing: "The first batch of 40 mailboxes moved three weeks ago without problems.",
              rollbackPlan:
                "A mailbox not yet moved stays where it is; moved ones can be moved back within the day.",
              affectedSystems: ["Email", "Outlook"],
              start,
              end: start + 6 * HOUR,
            },
          },
        ],
        [
          proposed + 1 * DAY,
          { do: "approve", by: people.victor, reason: "OK. Please tell the office the day before." },
        ],
        [proposed + 1 * DAY + 1 * HOUR, { do: "schedule", by: people.tom }],
        [start + 2 * MINUTE, { do: "start", by: people.aisha }],
      ];
    },
  },

  // Lumen ↔ Bluefin
  {
    // Agreed right after this morning's outage: approved and scheduled, its reminder still planned.
    relationship: "lumen/bluefin",
    story: (m) => {
      const proposed = m.now - 10 * MINUTE;
      const w = m.windowFrom(Math.max(m.noticeFrom("normal", proposed), m.now + 3 * DAY));
      return [
        [
          proposed,
          {
            do: "propose",
            by: people.tom,
            change: {
              class: "normal",
              title: "Automatic certificate renewal on the analytics load balancer",
              description:
                "Switch the analytics load balancer's certificate to automatic renewal, with a monitoring check that warns 21 days before any certificate expires.",
              reason: "This morning's outage came from a certificate that expired unnoticed.",
              impact: "The dashboards reconnect once while the load balancer reloads its configuration.",
              expectedDowntimeMinutes: 5,
              risk: "low",
              testing: "Renewal tested against the certificate authority's staging service.",
              rollbackPlan: "Reinstall the current certificate by hand; it is valid for another year.",
              affectedSystems: ["Analytics cluster", "Client dashboards"],
              groups: ["Analysts"],
              tickets: ["Client dashboards down — analytics cluster unreachable"],
              start: w.start,
              end: w.start + 1 * HOUR,
            },
          },
        ],
        [
          m.now - 6 * MINUTE,
          { do: "approve", by: people.chris, reason: "Yes please; we never want to see that again." },
        ],
        [m.now - 5 * MINUTE, { do: "schedule", by: people.tom }],
      ];
    },
  },
  {
    // Approved automatically, then cancelled before it started.
    relationship: "lumen/bluefin",
    story: (m) => {
      const proposed = m.now - 4 * DAY;
      const w = m.windowFrom(Math.max(m.noticeFrom("routine", proposed), m.now));
      return [
        [
          proposed,
          {
            do: "propose",
            by: people.aisha,
            change: {
              class: "routine",
              title: "Update the VPN client on every laptop",
              description:
                "Push the vendor's new VPN client to every Lumen laptop through the device management service.",
              reason: "The new client fixes the slow reconnect after a laptop wakes up.",
              impact: "Each laptop's VPN disconnects once while the client updates.",
              expectedDowntimeMinutes: 5,
              risk: "low",
              rollbackPlan: "Push the previous client version again.",
              affectedSystems: ["VPN client", "Laptops"],
              groups: ["Analysts"],
              start: w.start,
              end: w.start + 1 * HOUR,
            },
          },
        ],
        [
          m.now - 1 * DAY,
          {
            do: "cancel",
            by: people.tom,
            reason:
              "The vendor withdrew this release after reports of crashes on wake-up; we will propose the fixed release when it ships.",
          },
        ],
      ];
    },
  },
  {
    // Nobody announced it: the client reported it, the provider then gave its account.
    relationship: "lumen/bluefin",
    story: (m) => [
      [
        m.now - 26 * HOUR,
        {
          do: "record",
          by: people.chris,
          change: {
            title: "Shared drive moved from S: to T: overnight",
            description:
              "This morning every laptop shows the shared drive as T: instead of S:. Our Excel models link to S: and open with broken links. Nobody told us about a change.",
            impact: "Analysts cannot open the client models until the links are fixed by hand.",
            affectedSystems: ["Shared drive", "Laptops"],
            startedAt: m.now - 29 * HOUR,
          },
        },
      ],
      [
        m.now - 22 * HOUR,
        {
          do: "finish",
          by: people.tom,
          outcome: "completed",
          notes:
            "A login script update for the new archive share reused the letter S: by mistake. S: is the shared drive again on every laptop and the archive is now A:.",
          followUps: "Changes to Lumen's login scripts now go through a normal change request.",
        },
      ],
    ],
  },
];

function momentsOf(p: CompiledProtocol, now: number): Moments {
  const zone = zoneTable(p.timezone);
  return {
    now,
    windowFrom(from) {
      const w = windowsBetween(p, from, from + 60 * DAY).find((o) => o.start >= from);
      if (!w) throw new Error("The demo needs a maintenance window in the protocol.");
      return w;
    },
    pastWindow(n) {
      const past = windowsBetween(p, now - 60 * DAY, now).filter((o) => o.end <= now);
      const w = past.at(-n);
      if (!w) throw new Error("The demo needs a weekly maintenance window in the protocol.");
      return w;
    },
    noticeFrom: (cls, at) => earliestStartWithNotice(p, cls, at),
    announceBy: (cls, start) => latestNoticeAt(p, cls, start),
    localHourBefore(t, hour) {
      const wall = zone.instantToWall(t);
      const midnight = wall - (((wall % DAY) + DAY) % DAY);
      const today = zone.wallToInstant(midnight + hour * HOUR);
      return today <= t ? today : zone.wallToInstant(midnight - DAY + hour * HOUR);
    },
  };
}

/**
 * Creates the demo's user groups, then replays every change's story in time order across all
 * relationships, running the change timers before each step at that step's time (reminders go out
 * when due, overdue reviews are reported). Returns the number of changes.
 */
export async function loadDemoChanges(ctx: ServiceContext, rels: Map<string, string>): Promise<number> {
  const now = ctx.clock.now();
  const userIds = new Map<string, string>();
  const userIdOf = async (email: string) => {
    if (!userIds.has(email)) {
      const [u] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, email));
      userIds.set(email, u!.id);
    }
    return userIds.get(email)!;
  };
  const actors = new Map<string, ServiceContext["actor"]>();
  const actorOf = async (email: string) => {
    if (!actors.has(email))
      actors.set(email, await loadUserActor(ctx.db, await userIdOf(email), "demo-loader"));
    return actors.get(email)!;
  };
  const at = (t: number): ServiceContext => ({ ...ctx, clock: { now: () => t } });

  const groupIds = new Map<string, string>();
  for (const g of groups) {
    const relationshipId = rels.get(g.relationship)!;
    const created = await createGroup({ ...at(now - 25 * DAY), actor: await actorOf(g.by) }, relationshipId, {
      name: g.name,
      description: g.description,
      memberIds: await Promise.all(g.members.map(userIdOf)),
    });
    groupIds.set(`${g.relationship}/${g.name}`, created.id);
  }
  const ticketIdOf = async (relationshipId: string, title: string) => {
    const [t] = await ctx.db
      .select({ id: tickets.id })
      .from(tickets)
      .where(and(eq(tickets.relationshipId, relationshipId), eq(tickets.title, title)));
    if (!t) throw new Error(`The demo ticket "${title}" is missing.`);
    return t.id;
  };

  const moments = new Map<string, Moments>();
  for (const key of new Set(changes.map((c) => c.relationship))) {
    const active = await loadActiveProtocol(ctx.db, rels.get(key)!);
    if (!active) throw new Error(`The demo relationship ${key} has no protocol in effect.`);
    moments.set(key, momentsOf(active.protocol, now));
  }
  const steps = changes
    .flatMap((change, index) =>
      change.story(moments.get(change.relationship)!).map(([t, step], order) => ({ index, order, t, step })),
    )
    .sort((a, b) => a.t - b.t || a.index - b.index || a.order - b.order);

  const ids = new Map<number, string>();
  for (const { index, t, step } of steps) {
    await runDueChangeTimers(at(t));
    const relationship = changes[index]!.relationship;
    const relationshipId = rels.get(relationship)!;
    const c = { ...at(t), actor: await actorOf(step.by) };
    const changeId = ids.get(index) ?? "";
    switch (step.do) {
      case "propose": {
        const { start, end, groups: groupNames = [], tickets: ticketTitles = [], ...fields } = step.change;
        const created = await createChange(c, relationshipId, {
          ...fields,
          plannedStart: new Date(start).toISOString(),
          plannedEnd: new Date(end).toISOString(),
          affectedGroupIds: groupNames.map((name) => groupIds.get(`${relationship}/${name}`)!),
          relatedTicketIds: await Promise.all(ticketTitles.map((title) => ticketIdOf(relationshipId, title))),
          propose: true,
        });
        ids.set(index, created.id);
        break;
      }
      case "record": {
        const { startedAt, endedAt, ...fields } = step.change;
        const created = await recordChange(c, relationshipId, {
          ...fields,
          startedAt: new Date(startedAt).toISOString(),
          endedAt: endedAt === undefined ? undefined : new Date(endedAt).toISOString(),
        });
        ids.set(index, created.id);
        break;
      }
      case "approve":
        await approveChange(c, relationshipId, changeId, { reason: step.reason });
        break;
      case "reject":
        await rejectChange(c, relationshipId, changeId, { reason: step.reason });
        break;
      case "askReschedule":
        await requestReschedule(c, relationshipId, changeId, {
          reason: step.reason,
          suggestedStart:
            step.suggestedStart === undefined ? undefined : new Date(step.suggestedStart).toISOString(),
        });
        break;
      case "reschedule":
        await rescheduleChange(c, relationshipId, changeId, {
          plannedStart: new Date(step.start).toISOString(),
          plannedEnd: new Date(step.end).toISOString(),
          reason: step.reason,
        });
        break;
      case "schedule":
        await scheduleChange(c, relationshipId, changeId);
        break;
      case "start":
        await startChange(c, relationshipId, changeId);
        break;
      case "finish":
        await finishChange(c, relationshipId, changeId, {
          outcome: step.outcome,
          notes: step.notes,
          followUps: step.followUps,
        });
        break;
      case "review":
        await reviewChange(c, relationshipId, changeId, { summary: step.summary, lessons: step.lessons });
        break;
      case "cancel":
        await cancelChange(c, relationshipId, changeId, { reason: step.reason });
        break;
    }
  }
  await runDueChangeTimers(ctx);
  return changes.length;
}
