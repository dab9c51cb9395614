import { eq } from "drizzle-orm";
import type { ServiceContext } from "../core/http/context.ts";
import { users } from "../modules/identity/identity.tables.ts";
import { loadUserActor } from "../modules/identity/auth.service.ts";
import {
  acknowledgeTicket,
  assignTicket,
  changeSeverity,
  commentOnTicket,
  confirmResolution,
  createTicket,
  type CreateTicketInput,
  postInvestigationUpdate,
  resolveTicket,
  runDueTimers,
  type UpdateInput,
  waitOnClient,
} from "../modules/tickets/tickets.service.ts";

/**
 * The demo's tickets: a few per relationship, replayed through the same services people use, at
 * the moments they happened (each step runs on a clock set to its time, and the timers run in
 * between, as the worker would have). The list then shows every state, every severity and every
 * clock status, with real timelines — warnings, a breach, escalations by trigger and by a "stuck"
 * update, a question to the client, resolutions with root cause, a confirmation.
 *
 * Critical tickets run on 24×7 clocks, so their status does not depend on when the demo loads
 * (one is breached and escalated, one is at a warning, one on track). The others run in business
 * hours in New York: how much of their time is used depends on the day the demo is loaded.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type Step =
  | { do: "raise"; by: string; ticket: CreateTicketInput }
  | { do: "acknowledge"; by: string; note?: string }
  | { do: "assign"; by: string; to: string }
  | { do: "update"; by: string; update: Omit<UpdateInput, "revision"> }
  | { do: "comment"; by: string; body: string }
  | { do: "ask"; by: string; question: string }
  | { do: "severity"; by: string; severity: "critical" | "high" | "medium" | "low"; reason: string }
  | { do: "resolve"; by: string; summary: string; rootCause?: string; fix?: string; prevention?: string }
  | { do: "confirm"; by: string; note?: string };

interface DemoTicket {
  relationship: string;
  /** [how long before the demo loads, what happened], oldest first. */
  story: [ago: number, step: Step][];
}

const people = {
  // Northwind Managed IT
  priya: "priya@northwind-it.example",
  marcus: "marcus@northwind-it.example",
  dana: "dana@northwind-it.example",
  sam: "sam@northwind-it.example",
  // Bluefin Technology Partners
  tom: "tom@bluefin.example",
  aisha: "aisha@bluefin.example",
  // Harbor Food Bank
  grace: "grace@harborfoodbank.example",
  leo: "leo@harborfoodbank.example",
  rosa: "rosa@harborfoodbank.example",
  ben: "ben@harborfoodbank.example",
  // Cascade Precision Manufacturing
  victor: "victor@cascade-precision.example",
  karen: "karen@cascade-precision.example",
  omar: "omar@cascade-precision.example",
  julia: "julia@cascade-precision.example",
  // Lumen Analytics
  chris: "chris@lumen-analytics.example",
  nina: "nina@lumen-analytics.example",
};

const tickets: DemoTicket[] = [
  // Harbor ↔ Northwind: the fullest story.
  {
    relationship: "harbor/northwind",
    story: [
      [
        5 * HOUR,
        {
          do: "raise",
          by: people.leo,
          ticket: {
            title: "Warehouse label printers offline — no shipments can leave",
            description:
              "Since about 7:40 none of the three label printers in the warehouse prints. The print queue shows jobs as sent, then nothing. Drivers are waiting for the morning deliveries to partner pantries.",
            impact: { peopleAffected: "many", workaround: false, criticalFunctionStopped: true },
            affectedSystems: ["Warehouse label printers", "Print server PRN01"],
            affectedPeopleCount: 25,
          },
        },
      ],
      [
        4 * HOUR + 50 * MINUTE,
        { do: "acknowledge", by: people.dana, note: "On it — connecting to PRN01 now." },
      ],
      [
        4 * HOUR + 25 * MINUTE,
        {
          do: "update",
          by: people.dana,
          update: {
            found:
              "The print spooler on PRN01 restarts every few minutes; the driver for the Zebra printers crashes it.",
            trying: "Rolling the Zebra driver back to last month's version.",
            next: "If the rollback holds, I print a test label on each printer and tell the warehouse.",
          },
        },
      ],
      [
        3 * HOUR + 40 * MINUTE,
        {
          do: "update",
          by: people.dana,
          update: {
            found: "The rollback did not help: the spooler still crashes, now with a different driver.",
            trying: "Collecting the crash dumps for the vendor.",
            next: "Need someone who can open a case with the vendor under our support contract.",
            stuck: true,
            stuckReason: "The vendor's support contract is held by the senior technicians.",
          },
        },
      ],
      [
        2 * HOUR + 50 * MINUTE,
        {
          do: "update",
          by: people.marcus,
          update: {
            found: "The vendor confirms a known bug in the driver update pushed on Monday.",
            trying:
              "Moving the warehouse printers to a temporary print server with the older driver package.",
            next: "Test print at the packing station, then the other two printers.",
          },
        },
      ],
      [
        2 * HOUR + 30 * MINUTE,
        {
          do: "comment",
          by: people.grace,
          body: "The afternoon deliveries leave at 3 pm. Can we at least hand-write labels for today? Please tell us by noon.",
        },
      ],
      [
        1 * HOUR + 35 * MINUTE,
        {
          do: "update",
          by: people.marcus,
          update: {
            found: "The temporary print server works for the packing station printer.",
            trying: "The two dock printers fail to register on the temporary server.",
            next: "Swapping the dock printers' network cards with spares from the office; hand-written labels are fine for today.",
          },
        },
      ],
      [
        35 * MINUTE,
        {
          do: "update",
          by: people.marcus,
          update: {
            found: "One dock printer prints again after the card swap.",
            trying: "Same swap on the last printer; the spare card is on its way.",
            next: "Next update within 30 minutes, when the card arrives.",
          },
        },
      ],
    ],
  },
  {
    relationship: "harbor/northwind",
    story: [
      [
        2 * DAY + 3 * HOUR,
        {
          do: "raise",
          by: people.grace,
          ticket: {
            title: "VPN drops every hour for remote staff",
            description:
              "Our grant writers work from home. Their VPN connection drops roughly every hour and takes five minutes to come back; unsaved work in the donor system is lost.",
            impact: { peopleAffected: "team", workaround: true, criticalFunctionStopped: false },
            severity: "high",
            severityReason:
              "The grant application to the county is due on Friday and the whole team is remote this week.",
            affectedSystems: ["VPN", "Donor CRM"],
            affectedPeopleCount: 6,
          },
        },
      ],
      [2 * DAY + 2 * HOUR + 30 * MINUTE, { do: "acknowledge", by: people.sam }],
      [
        2 * DAY,
        {
          do: "update",
          by: people.sam,
          update: {
            found:
              "The firewall renegotiates the VPN keys every 60 minutes and drops idle tunnels while it does.",
            trying: "Lengthening the key lifetime and enabling dead-peer detection on the remote profiles.",
            next: "Ask two grant writers to stay connected through the afternoon and report any drop.",
          },
        },
      ],
      [
        1 * DAY + 20 * HOUR,
        {
          do: "resolve",
          by: people.sam,
          summary: "VPN key renegotiation no longer drops the tunnels; no drop reported all afternoon.",
          rootCause: "A firewall update reset the VPN key lifetime to 60 minutes with strict renegotiation.",
          fix: "Key lifetime set to 8 hours; dead-peer detection enabled on the remote access profile.",
          prevention:
            "The VPN settings are now in the configuration backup we compare after every firewall update.",
        },
      ],
    ],
  },
  {
    relationship: "harbor/northwind",
    story: [
      [
        4 * HOUR,
        {
          do: "raise",
          by: people.ben,
          ticket: {
            title: "Donor list export fails with an error",
            description:
              "Exporting the monthly donor list from the CRM stops at 40% with 'Export failed (code 17)'. I need it for the thank-you letters.",
            impact: { peopleAffected: "one", workaround: false, criticalFunctionStopped: false },
          },
        },
      ],
      [3 * HOUR + 20 * MINUTE, { do: "acknowledge", by: people.dana }],
      [
        2 * HOUR,
        {
          do: "ask",
          by: people.dana,
          question:
            "Which export format do you choose (CSV or Excel), and does it also fail with last month's date range? A screenshot of the export settings would help.",
        },
      ],
    ],
  },
  {
    relationship: "harbor/northwind",
    story: [
      [
        90 * MINUTE,
        {
          do: "raise",
          by: people.dana,
          ticket: {
            title: "Nightly backup of the file server failed twice",
            description:
              "Our monitoring reports that the nightly backup of FS01 failed on the last two nights (target storage full). Raised on behalf of Leo so Harbor can follow it.",
            impact: { peopleAffected: "team", workaround: true, criticalFunctionStopped: false },
            affectedSystems: ["File server FS01", "Backup storage"],
            reporter: { email: people.leo },
          },
        },
      ],
    ],
  },
  {
    relationship: "harbor/northwind",
    story: [
      [
        3 * DAY + 2 * HOUR,
        {
          do: "raise",
          by: people.rosa,
          ticket: {
            title: "Volunteers cannot open the shift schedule on the shared drive",
            description:
              "New volunteers get 'Access denied' on the Shifts folder. Staff can open it. We print the schedule for them meanwhile.",
            impact: { peopleAffected: "team", workaround: true, criticalFunctionStopped: false },
          },
        },
      ],
      [3 * DAY + 1 * HOUR, { do: "acknowledge", by: people.sam }],
      [
        3 * DAY,
        {
          do: "resolve",
          by: people.sam,
          summary:
            "The Volunteers group had lost read access to the Shifts folder; restored and checked with a volunteer account.",
        },
      ],
      [
        2 * DAY + 20 * HOUR,
        { do: "confirm", by: people.rosa, note: "Works for everyone this morning, thanks!" },
      ],
    ],
  },

  // Cascade ↔ Northwind: a critical ticket at its warning mark, and the end users' own tickets.
  {
    relationship: "cascade/northwind",
    story: [
      [
        2 * HOUR + 20 * MINUTE,
        {
          do: "raise",
          by: people.victor,
          ticket: {
            title: "Line 3 MES terminals frozen — production stopped",
            description:
              "The three MES terminals on line 3 froze at the same time; operators cannot record batches, so the line is stopped.",
            impact: { peopleAffected: "many", workaround: false, criticalFunctionStopped: true },
            affectedSystems: ["MES terminals, line 3"],
            affectedPeopleCount: 30,
          },
        },
      ],
      [2 * HOUR + 10 * MINUTE, { do: "acknowledge", by: people.marcus }],
      [
        1 * HOUR + 45 * MINUTE,
        {
          do: "update",
          by: people.marcus,
          update: {
            found: "The terminals lost their connection to the MES database server after a switch reboot.",
            trying: "Restoring the VLAN configuration on the line 3 switch.",
            next: "Restart the terminals one by one with an operator on site.",
          },
        },
      ],
      [
        1 * HOUR + 20 * MINUTE,
        {
          do: "update",
          by: people.marcus,
          update: {
            found: "The VLAN was restored; two terminals are back.",
            trying: "The third terminal still cannot reach the database: checking its static address.",
            next: "Replace the terminal with the spare if it is not back in 30 minutes.",
          },
        },
      ],
      [
        55 * MINUTE,
        {
          do: "update",
          by: people.marcus,
          update: {
            found: "The third terminal had a duplicate IP address after the reboot.",
            trying: "Moving it to a reserved address.",
            next: "Operators test batch recording on all three terminals.",
          },
        },
      ],
      [
        20 * MINUTE,
        {
          do: "update",
          by: people.marcus,
          update: {
            found: "All three terminals record batches; the line restarted at reduced speed.",
            trying: "Watching the database connection for drops.",
            next: "Resolve once the shift has run an hour without a drop.",
          },
        },
      ],
    ],
  },
  {
    relationship: "cascade/northwind",
    story: [
      [
        5 * HOUR,
        {
          do: "raise",
          by: people.omar,
          ticket: {
            title: "Quality lab PC cannot reach the LIMS share",
            description:
              "The PC in the quality lab shows 'network path not found' for the LIMS share since this morning.",
            impact: { peopleAffected: "one", workaround: true, criticalFunctionStopped: false },
          },
        },
      ],
      [4 * HOUR, { do: "acknowledge", by: people.dana }],
      [3 * HOUR + 50 * MINUTE, { do: "assign", by: people.dana, to: people.sam }],
    ],
  },
  {
    relationship: "cascade/northwind",
    story: [
      [
        1 * DAY + 6 * HOUR,
        {
          do: "raise",
          by: people.julia,
          ticket: {
            title: "Add me to the engineering distribution list",
            description: "I moved to the engineering team last week and do not get their emails yet.",
            impact: { peopleAffected: "one", workaround: true, criticalFunctionStopped: false },
          },
        },
      ],
      [1 * DAY + 5 * HOUR, { do: "acknowledge", by: people.sam }],
      [
        1 * DAY + 4 * HOUR,
        {
          do: "resolve",
          by: people.sam,
          summary: "Julia added to the Engineering list; a test message reached her.",
        },
      ],
    ],
  },

  // Cascade ↔ Bluefin: kept short.
  {
    relationship: "cascade/bluefin",
    story: [
      [
        1 * DAY + 2 * HOUR,
        {
          do: "raise",
          by: people.karen,
          ticket: {
            title: "ERP month-end reports take hours to run",
            description:
              "The month-end inventory valuation report ran for 3 hours yesterday instead of 20 minutes. Finance closes the month on Friday.",
            impact: { peopleAffected: "team", workaround: false, criticalFunctionStopped: false },
            affectedSystems: ["ERP reporting"],
          },
        },
      ],
      [1 * DAY + 1 * HOUR, { do: "acknowledge", by: people.aisha }],
      [
        22 * HOUR,
        {
          do: "update",
          by: people.aisha,
          update: {
            found: "The report database has not updated its statistics since the ERP upgrade.",
            trying: "Rebuilding the statistics and indexes tonight, outside working hours.",
            next: "Karen reruns the report tomorrow morning and tells us how long it took.",
          },
        },
      ],
    ],
  },
  {
    relationship: "cascade/bluefin",
    story: [
      [
        3 * HOUR,
        {
          do: "raise",
          by: people.victor,
          ticket: {
            title: "Meeting room display does not show laptops",
            description: "The display in meeting room B stays on 'no signal' with every laptop we tried.",
            impact: { peopleAffected: "team", workaround: true, criticalFunctionStopped: false },
          },
        },
      ],
      [
        2 * HOUR,
        {
          do: "severity",
          by: people.victor,
          severity: "low",
          reason: "Room A is free all week; this can wait.",
        },
      ],
    ],
  },

  // Lumen ↔ Bluefin.
  {
    relationship: "lumen/bluefin",
    story: [
      [
        40 * MINUTE,
        {
          do: "raise",
          by: people.chris,
          ticket: {
            title: "Client dashboards down — analytics cluster unreachable",
            description:
              "None of our client-facing dashboards load; the analytics cluster does not answer. Two client reviews are scheduled this afternoon.",
            impact: { peopleAffected: "everyone", workaround: false, criticalFunctionStopped: true },
            affectedSystems: ["Analytics cluster", "Client dashboards"],
          },
        },
      ],
      [32 * MINUTE, { do: "acknowledge", by: people.tom }],
      [
        12 * MINUTE,
        {
          do: "update",
          by: people.tom,
          update: {
            found: "The cluster's load balancer certificate expired at midnight.",
            trying: "Installing the renewed certificate on the load balancer.",
            next: "Check each dashboard, then confirm with Chris.",
          },
        },
      ],
    ],
  },
  {
    relationship: "lumen/bluefin",
    story: [
      [
        6 * HOUR,
        {
          do: "raise",
          by: people.nina,
          ticket: {
            title: "Laptop battery is swollen",
            description:
              "The bottom of my laptop bulges and the touchpad clicks by itself. I stopped using it on my lap.",
            impact: { peopleAffected: "one", workaround: false, criticalFunctionStopped: false },
          },
        },
      ],
    ],
  },
];

/**
 * Replays every ticket's story in time order across all relationships (so each relationship's
 * audit chain stays in time order), running the timers before each step at that step's time.
 */
export async function loadDemoTickets(ctx: ServiceContext, rels: Map<string, string>): Promise<number> {
  const now = ctx.clock.now();
  const actors = new Map<string, ServiceContext["actor"]>();
  const actorOf = async (email: string) => {
    if (!actors.has(email)) {
      const [u] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, email));
      actors.set(email, await loadUserActor(ctx.db, u!.id, "demo-loader"));
    }
    return actors.get(email)!;
  };
  const at = (t: number): ServiceContext => ({ ...ctx, clock: { now: () => t } });
  const steps = tickets
    .flatMap((ticket, index) =>
      ticket.story.map(([ago, step], order) => ({ index, order, t: now - ago, step })),
    )
    .sort((a, b) => a.t - b.t || a.index - b.index || a.order - b.order);
  const ids = new Map<number, string>();
  for (const { index, t, step } of steps) {
    await runDueTimers(at(t));
    const relationshipId = rels.get(tickets[index]!.relationship)!;
    const c = { ...at(t), actor: await actorOf(step.by) };
    const ticketId = ids.get(index) ?? "";
    switch (step.do) {
      case "raise": {
        const created = await createTicket(c, relationshipId, step.ticket, "web");
        ids.set(index, created.id);
        break;
      }
      case "acknowledge":
        await acknowledgeTicket(c, relationshipId, ticketId, { note: step.note });
        break;
      case "assign": {
        const [u] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, step.to));
        await assignTicket(c, relationshipId, ticketId, { assigneeId: u!.id });
        break;
      }
      case "update":
        await postInvestigationUpdate(c, relationshipId, ticketId, step.update);
        break;
      case "comment":
        await commentOnTicket(c, relationshipId, ticketId, { body: step.body });
        break;
      case "ask":
        await waitOnClient(c, relationshipId, ticketId, { question: step.question });
        break;
      case "severity":
        await changeSeverity(c, relationshipId, ticketId, { severity: step.severity, reason: step.reason });
        break;
      case "resolve":
        await resolveTicket(c, relationshipId, ticketId, {
          summary: step.summary,
          rootCause: step.rootCause,
          fix: step.fix,
          prevention: step.prevention,
        });
        break;
      case "confirm":
        await confirmResolution(c, relationshipId, ticketId, { note: step.note });
        break;
    }
  }
  await runDueTimers(ctx);
  return tickets.length;
}
