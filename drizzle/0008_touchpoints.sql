CREATE TABLE "business_dates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"relationship_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"due_on" text NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"created_by" uuid,
	"created_by_name" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"removed_at" timestamp with time zone,
	"revision" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "touchpoint_actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"relationship_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"meeting_id" uuid NOT NULL,
	"item_key" text NOT NULL,
	"item_title" text NOT NULL,
	"title" text NOT NULL,
	"owner_user_id" uuid NOT NULL,
	"due_on" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"done_at" timestamp with time zone,
	"done_by_name" text,
	"done_note" text,
	"overdue_notified_at" timestamp with time zone,
	"created_by" uuid,
	"created_by_name" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "touchpoint_counters" (
	"relationship_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"last" integer NOT NULL,
	CONSTRAINT "touchpoint_counters_relationship_id_kind_pk" PRIMARY KEY("relationship_id","kind")
);
--> statement-breakpoint
CREATE TABLE "touchpoint_decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"relationship_id" uuid NOT NULL,
	"meeting_id" uuid NOT NULL,
	"item_key" text NOT NULL,
	"item_title" text NOT NULL,
	"text" text NOT NULL,
	"recorded_by" uuid,
	"recorded_by_name" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "touchpoint_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"relationship_id" uuid NOT NULL,
	"meeting_id" uuid NOT NULL,
	"title" text NOT NULL,
	"detail" text DEFAULT '' NOT NULL,
	"side" text NOT NULL,
	"added_by" uuid,
	"added_by_name" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "touchpoint_meetings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"relationship_id" uuid NOT NULL,
	"series_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"scheduled_start" timestamp with time zone NOT NULL,
	"start" timestamp with time zone NOT NULL,
	"end" timestamp with time zone NOT NULL,
	"state" text NOT NULL,
	"moved_at" timestamp with time zone,
	"move_reason" text,
	"moved_by_name" text,
	"skip_reason" text,
	"skipped_at" timestamp with time zone,
	"skipped_by_name" text,
	"held_at" timestamp with time zone,
	"held_by_name" text,
	"agenda_due_at" timestamp with time zone NOT NULL,
	"agenda_sent_at" timestamp with time zone,
	"summary_sent_at" timestamp with time zone,
	"agenda_snapshot" jsonb,
	"sequence" integer DEFAULT 0 NOT NULL,
	"next_check_at" timestamp with time zone,
	"revision" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "touchpoint_minutes" (
	"meeting_id" uuid NOT NULL,
	"item_key" text NOT NULL,
	"relationship_id" uuid NOT NULL,
	"text" text NOT NULL,
	"updated_by_name" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "touchpoint_minutes_meeting_id_item_key_pk" PRIMARY KEY("meeting_id","item_key")
);
--> statement-breakpoint
CREATE TABLE "touchpoint_series" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"relationship_id" uuid NOT NULL,
	"protocol_version_id" uuid NOT NULL,
	"rule" text NOT NULL,
	"at" text NOT NULL,
	"from_date" text,
	"time_zone" text NOT NULL,
	"duration_ms" integer NOT NULL,
	"agenda_before" text NOT NULL,
	"attendee_roles" jsonb NOT NULL,
	"link" text,
	"fingerprint" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"sequence" integer DEFAULT 0 NOT NULL,
	"materialized_until" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "business_dates" ADD CONSTRAINT "business_dates_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "business_dates" ADD CONSTRAINT "business_dates_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "touchpoint_actions" ADD CONSTRAINT "touchpoint_actions_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "touchpoint_actions" ADD CONSTRAINT "touchpoint_actions_meeting_id_touchpoint_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."touchpoint_meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "touchpoint_actions" ADD CONSTRAINT "touchpoint_actions_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "touchpoint_actions" ADD CONSTRAINT "touchpoint_actions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "touchpoint_counters" ADD CONSTRAINT "touchpoint_counters_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "touchpoint_decisions" ADD CONSTRAINT "touchpoint_decisions_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "touchpoint_decisions" ADD CONSTRAINT "touchpoint_decisions_meeting_id_touchpoint_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."touchpoint_meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "touchpoint_decisions" ADD CONSTRAINT "touchpoint_decisions_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "touchpoint_items" ADD CONSTRAINT "touchpoint_items_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "touchpoint_items" ADD CONSTRAINT "touchpoint_items_meeting_id_touchpoint_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."touchpoint_meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "touchpoint_items" ADD CONSTRAINT "touchpoint_items_added_by_users_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "touchpoint_meetings" ADD CONSTRAINT "touchpoint_meetings_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "touchpoint_meetings" ADD CONSTRAINT "touchpoint_meetings_series_id_touchpoint_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."touchpoint_series"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "touchpoint_minutes" ADD CONSTRAINT "touchpoint_minutes_meeting_id_touchpoint_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."touchpoint_meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "touchpoint_minutes" ADD CONSTRAINT "touchpoint_minutes_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "touchpoint_series" ADD CONSTRAINT "touchpoint_series_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "touchpoint_series" ADD CONSTRAINT "touchpoint_series_protocol_version_id_protocol_versions_id_fk" FOREIGN KEY ("protocol_version_id") REFERENCES "public"."protocol_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "business_dates_relationship_idx" ON "business_dates" USING btree ("relationship_id","due_on");--> statement-breakpoint
CREATE UNIQUE INDEX "touchpoint_actions_number_key" ON "touchpoint_actions" USING btree ("relationship_id","number");--> statement-breakpoint
CREATE INDEX "touchpoint_actions_meeting_idx" ON "touchpoint_actions" USING btree ("relationship_id","meeting_id");--> statement-breakpoint
CREATE INDEX "touchpoint_actions_overdue_idx" ON "touchpoint_actions" USING btree ("due_at") WHERE done_at is null and overdue_notified_at is null;--> statement-breakpoint
CREATE INDEX "touchpoint_decisions_meeting_idx" ON "touchpoint_decisions" USING btree ("relationship_id","meeting_id");--> statement-breakpoint
CREATE INDEX "touchpoint_items_meeting_idx" ON "touchpoint_items" USING btree ("relationship_id","meeting_id");--> statement-breakpoint
CREATE UNIQUE INDEX "touchpoint_meetings_number_key" ON "touchpoint_meetings" USING btree ("relationship_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "touchpoint_meetings_occurrence_key" ON "touchpoint_meetings" USING btree ("series_id","scheduled_start");--> statement-breakpoint
CREATE INDEX "touchpoint_meetings_relationship_idx" ON "touchpoint_meetings" USING btree ("relationship_id","start");--> statement-breakpoint
CREATE INDEX "touchpoint_meetings_next_check_idx" ON "touchpoint_meetings" USING btree ("next_check_at") WHERE next_check_at is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "touchpoint_series_current_key" ON "touchpoint_series" USING btree ("relationship_id") WHERE ended_at is null;