-- The message log (ocppkit.Config.MessageLog) records each frame's type,
-- message id and action beside the frame, a CALL and its reply in one row
-- (reply_type, reply_frame, replied_at), and is read per charge point,
-- newest first: (charge_point_id, id) replaces the index on identifier
-- (an integer key is cheaper to keep up to date than a text one, and it is
-- updated for every frame).
-- Rows are appended in time order (give or take a CALL's wait for its
-- reply), so retention deletes by id
-- (PruneMessages) and created_at needs no index: one b-tree less to
-- update for every frame.
ALTER TABLE ocpp_messages ADD COLUMN message_type integer NOT NULL DEFAULT 0;
ALTER TABLE ocpp_messages ADD COLUMN message_id text NOT NULL DEFAULT '';
ALTER TABLE ocpp_messages ADD COLUMN action text NOT NULL DEFAULT '';
ALTER TABLE ocpp_messages ADD COLUMN reply_type integer NOT NULL DEFAULT 0;
ALTER TABLE ocpp_messages ADD COLUMN reply_frame text NOT NULL DEFAULT '';
ALTER TABLE ocpp_messages ADD COLUMN replied_at datetime;
CREATE INDEX IF NOT EXISTS idx_ocpp_messages_charge_point ON ocpp_messages (charge_point_id, id);
DROP INDEX IF EXISTS idx_ocpp_messages_identifier;
DROP INDEX IF EXISTS idx_ocpp_messages_created_at;
