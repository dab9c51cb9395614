CREATE TABLE "contact_methods" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"address" text NOT NULL,
	"label" text NOT NULL,
	"code_hash" text,
	"code_expires_at" timestamp with time zone,
	"verified_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "emergencies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"relationship_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"ticket_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"affected_system" text NOT NULL,
	"criteria" jsonb NOT NULL,
	"state" text NOT NULL,
	"schedule_id" uuid,
	"chain" jsonb NOT NULL,
	"page_step" integer NOT NULL,
	"repeats" integer DEFAULT 0 NOT NULL,
	"next_page_at" timestamp with time zone,
	"declared_by" uuid,
	"declared_by_name" text NOT NULL,
	"declared_at" timestamp with time zone NOT NULL,
	"acknowledged_by" uuid,
	"acknowledged_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"resolved_by" uuid,
	"revision" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "emergency_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"relationship_id" uuid NOT NULL,
	"emergency_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"action" text,
	"label" text,
	"detail" text NOT NULL,
	"authority" text,
	"approver_roles" jsonb,
	"state" text,
	"by_user_id" uuid,
	"by_name" text NOT NULL,
	"side" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"decided_by" uuid,
	"decided_by_name" text,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	"done_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "emergency_pages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"relationship_id" uuid NOT NULL,
	"emergency_id" uuid NOT NULL,
	"step" integer NOT NULL,
	"target" text NOT NULL,
	"user_id" uuid NOT NULL,
	"paged_at" timestamp with time zone NOT NULL,
	"addresses" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"relationship_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"ticket_id" uuid NOT NULL,
	"emergency_id" uuid,
	"title" text NOT NULL,
	"state" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"overdue_notified_at" timestamp with time zone,
	"what_happened" text DEFAULT '' NOT NULL,
	"went_well" text DEFAULT '' NOT NULL,
	"could_be_better" text DEFAULT '' NOT NULL,
	"provider_signed_by" uuid,
	"provider_signed_by_name" text,
	"provider_signed_at" timestamp with time zone,
	"client_signed_by" uuid,
	"client_signed_by_name" text,
	"client_signed_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"next_check_at" timestamp with time zone,
	"revision" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "oncall_counters" (
	"relationship_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"last" integer NOT NULL,
	CONSTRAINT "oncall_counters_relationship_id_kind_pk" PRIMARY KEY("relationship_id","kind")
);
--> statement-breakpoint
CREATE TABLE "oncall_overrides" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"schedule_id" uuid NOT NULL,
	"layer" integer NOT NULL,
	"user_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"reason" text,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"cancelled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "oncall_schedules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"provider_org_id" uuid NOT NULL,
	"relationship_id" uuid,
	"name" text NOT NULL,
	"time_zone" text NOT NULL,
	"rotations" jsonb NOT NULL,
	"layer_names" jsonb NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"archived_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "restoration_plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"relationship_id" uuid NOT NULL,
	"system" text NOT NULL,
	"strategy" text NOT NULL,
	"expected_restore" text NOT NULL,
	"recovery_point" text NOT NULL,
	"runbook" jsonb NOT NULL,
	"executor_roles" jsonb NOT NULL,
	"executor_user_ids" jsonb NOT NULL,
	"notes" text,
	"last_tested_at" timestamp with time zone,
	"stale_at" timestamp with time zone,
	"stale_notified_at" timestamp with time zone,
	"revision" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"archived_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "restoration_tests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"relationship_id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"tested_at" timestamp with time zone NOT NULL,
	"outcome" text NOT NULL,
	"took" text,
	"notes" text,
	"recorded_by" uuid,
	"recorded_by_name" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"relationship_id" uuid NOT NULL,
	"review_id" uuid NOT NULL,
	"title" text NOT NULL,
	"owner_user_id" uuid NOT NULL,
	"due_on" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"done_at" timestamp with time zone,
	"done_by" uuid,
	"done_note" text,
	"overdue_notified_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "contact_methods" ADD CONSTRAINT "contact_methods_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "emergencies" ADD CONSTRAINT "emergencies_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "emergencies" ADD CONSTRAINT "emergencies_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "emergencies" ADD CONSTRAINT "emergencies_schedule_id_oncall_schedules_id_fk" FOREIGN KEY ("schedule_id") REFERENCES "public"."oncall_schedules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "emergencies" ADD CONSTRAINT "emergencies_declared_by_users_id_fk" FOREIGN KEY ("declared_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "emergencies" ADD CONSTRAINT "emergencies_acknowledged_by_users_id_fk" FOREIGN KEY ("acknowledged_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "emergencies" ADD CONSTRAINT "emergencies_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "emergency_log" ADD CONSTRAINT "emergency_log_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "emergency_log" ADD CONSTRAINT "emergency_log_emergency_id_emergencies_id_fk" FOREIGN KEY ("emergency_id") REFERENCES "public"."emergencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "emergency_log" ADD CONSTRAINT "emergency_log_by_user_id_users_id_fk" FOREIGN KEY ("by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "emergency_log" ADD CONSTRAINT "emergency_log_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "emergency_pages" ADD CONSTRAINT "emergency_pages_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "emergency_pages" ADD CONSTRAINT "emergency_pages_emergency_id_emergencies_id_fk" FOREIGN KEY ("emergency_id") REFERENCES "public"."emergencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "emergency_pages" ADD CONSTRAINT "emergency_pages_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_reviews" ADD CONSTRAINT "incident_reviews_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_reviews" ADD CONSTRAINT "incident_reviews_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_reviews" ADD CONSTRAINT "incident_reviews_emergency_id_emergencies_id_fk" FOREIGN KEY ("emergency_id") REFERENCES "public"."emergencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_reviews" ADD CONSTRAINT "incident_reviews_provider_signed_by_users_id_fk" FOREIGN KEY ("provider_signed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_reviews" ADD CONSTRAINT "incident_reviews_client_signed_by_users_id_fk" FOREIGN KEY ("client_signed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oncall_counters" ADD CONSTRAINT "oncall_counters_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oncall_overrides" ADD CONSTRAINT "oncall_overrides_schedule_id_oncall_schedules_id_fk" FOREIGN KEY ("schedule_id") REFERENCES "public"."oncall_schedules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oncall_overrides" ADD CONSTRAINT "oncall_overrides_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oncall_overrides" ADD CONSTRAINT "oncall_overrides_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oncall_schedules" ADD CONSTRAINT "oncall_schedules_provider_org_id_organizations_id_fk" FOREIGN KEY ("provider_org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oncall_schedules" ADD CONSTRAINT "oncall_schedules_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oncall_schedules" ADD CONSTRAINT "oncall_schedules_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restoration_plans" ADD CONSTRAINT "restoration_plans_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restoration_tests" ADD CONSTRAINT "restoration_tests_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restoration_tests" ADD CONSTRAINT "restoration_tests_plan_id_restoration_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."restoration_plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restoration_tests" ADD CONSTRAINT "restoration_tests_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_actions" ADD CONSTRAINT "review_actions_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_actions" ADD CONSTRAINT "review_actions_review_id_incident_reviews_id_fk" FOREIGN KEY ("review_id") REFERENCES "public"."incident_reviews"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_actions" ADD CONSTRAINT "review_actions_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_actions" ADD CONSTRAINT "review_actions_done_by_users_id_fk" FOREIGN KEY ("done_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_actions" ADD CONSTRAINT "review_actions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "contact_methods_address_key" ON "contact_methods" USING btree ("user_id",lower("address"));--> statement-breakpoint
CREATE UNIQUE INDEX "emergencies_number_key" ON "emergencies" USING btree ("relationship_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "emergencies_open_ticket_key" ON "emergencies" USING btree ("ticket_id") WHERE state <> 'resolved';--> statement-breakpoint
CREATE INDEX "emergencies_relationship_idx" ON "emergencies" USING btree ("relationship_id","declared_at");--> statement-breakpoint
CREATE INDEX "emergencies_next_page_idx" ON "emergencies" USING btree ("next_page_at") WHERE next_page_at is not null;--> statement-breakpoint
CREATE INDEX "emergency_log_emergency_idx" ON "emergency_log" USING btree ("relationship_id","emergency_id","at");--> statement-breakpoint
CREATE INDEX "emergency_pages_emergency_idx" ON "emergency_pages" USING btree ("relationship_id","emergency_id","paged_at");--> statement-breakpoint
CREATE UNIQUE INDEX "incident_reviews_number_key" ON "incident_reviews" USING btree ("relationship_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "incident_reviews_ticket_key" ON "incident_reviews" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "incident_reviews_relationship_idx" ON "incident_reviews" USING btree ("relationship_id","created_at");--> statement-breakpoint
CREATE INDEX "incident_reviews_next_check_idx" ON "incident_reviews" USING btree ("next_check_at") WHERE next_check_at is not null;--> statement-breakpoint
CREATE INDEX "oncall_overrides_schedule_idx" ON "oncall_overrides" USING btree ("schedule_id","ends_at");--> statement-breakpoint
CREATE UNIQUE INDEX "oncall_schedules_cover_key" ON "oncall_schedules" USING btree ("provider_org_id",coalesce("relationship_id", '00000000-0000-0000-0000-000000000000'::uuid)) WHERE archived_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "restoration_plans_system_key" ON "restoration_plans" USING btree ("relationship_id",lower("system")) WHERE archived_at is null;--> statement-breakpoint
CREATE INDEX "restoration_plans_stale_idx" ON "restoration_plans" USING btree ("stale_at") WHERE stale_notified_at is null and archived_at is null;--> statement-breakpoint
CREATE INDEX "restoration_tests_plan_idx" ON "restoration_tests" USING btree ("relationship_id","plan_id","tested_at");--> statement-breakpoint
CREATE INDEX "review_actions_review_idx" ON "review_actions" USING btree ("relationship_id","review_id");--> statement-breakpoint
CREATE INDEX "review_actions_open_idx" ON "review_actions" USING btree ("relationship_id","due_at") WHERE done_at is null;