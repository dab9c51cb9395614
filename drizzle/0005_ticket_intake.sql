CREATE TABLE "ticket_intake_keys" (
	"relationship_id" uuid PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"rotated_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "ticket_intake_keys" ADD CONSTRAINT "ticket_intake_keys_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ticket_intake_keys_key" ON "ticket_intake_keys" USING btree ("key");