/** Every table, gathered for drizzle and drizzle-kit. Tables live with the module that owns them. */
export * from "../../modules/identity/identity.tables.ts";
export * from "../events/events.tables.ts";
export * from "../notify/notify.tables.ts";
export * from "../../modules/protocol/protocol.tables.ts";
export * from "../../modules/tickets/tickets.tables.ts";
export * from "../../modules/tickets/intake.tables.ts";
export * from "../../modules/changes/changes.tables.ts";
export * from "../../modules/oncall/oncall.tables.ts";
export * from "../../modules/touchpoints/touchpoints.tables.ts";
