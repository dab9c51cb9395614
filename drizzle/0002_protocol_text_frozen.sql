-- Signed text can never be edited: once a protocol version leaves `draft`, its document and hash
-- are frozen, and signatures can be neither changed nor removed. The service enforces this too;
-- the database makes it hold for any writer.
CREATE OR REPLACE FUNCTION protocol_versions_freeze_text() RETURNS trigger AS $$
BEGIN
  IF OLD.state <> 'draft' AND (NEW.document IS DISTINCT FROM OLD.document OR NEW.document_sha256 IS DISTINCT FROM OLD.document_sha256) THEN
    RAISE EXCEPTION 'protocol version % is %; its text cannot change', OLD.number, OLD.state;
  END IF;
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER protocol_versions_freeze_text BEFORE UPDATE ON protocol_versions
  FOR EACH ROW EXECUTE FUNCTION protocol_versions_freeze_text();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION protocol_signatures_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'protocol signatures cannot be changed or removed';
END
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER protocol_signatures_immutable BEFORE UPDATE OR DELETE ON protocol_signatures
  FOR EACH ROW EXECUTE FUNCTION protocol_signatures_immutable();
