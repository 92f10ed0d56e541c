-- OCPP 2.0.1 beside 1.6: one domain model for both versions.
--
-- Charge points: ocpp_version is the OCPP-J version of the last connection
-- ("ocpp1.6" or "ocpp2.0.1"; empty until the first one), boot_reason the
-- reason of the last 2.0.1 BootNotification. Every charge point that
-- connected before this migration spoke 1.6, the only version there was.
--
-- EVSEs: evse_id is the outlet number a host keys on (1.6: the connectorId;
-- 2.0.1: evse.id; 0: the station as a whole); connector_id stays the
-- protocol's connector number (1.6: the connectorId again, 2.0.1: the
-- connector within its EVSE). Existing rows are 1.6 rows, so evse_id =
-- connector_id: every query, event and host program keeps its results.
-- (The UPDATE of ocpp_meter_values rewrites that table once: on a large
-- history, run this migration in a quiet hour.)
--
-- Sessions: 2.0.1 transaction ids are strings of at most 36 characters
-- chosen by the station, unique per charge point; they are stored beside
-- the integer transaction_id, which 2.0.1 sessions get too (so that every
-- session has one). id tags grow to the 36 characters of a 2.0.1 idToken.
--
-- New tables: the TransactionEvents received (one row per event, which
-- makes retries idempotent), and the device model (the variables of 2.0.1
-- components, as NotifyReport and GetVariables/SetVariables report them).

ALTER TABLE ocpp_charge_points ADD COLUMN ocpp_version character varying(20) NOT NULL DEFAULT '';
ALTER TABLE ocpp_charge_points ADD COLUMN boot_reason character varying(30) NOT NULL DEFAULT '';
UPDATE ocpp_charge_points SET ocpp_version = 'ocpp1.6' WHERE connected_at IS NOT NULL;

ALTER TABLE ocpp_connectors ADD COLUMN evse_id bigint NOT NULL DEFAULT 0;
UPDATE ocpp_connectors SET evse_id = connector_id;
DROP INDEX IF EXISTS idx_ocpp_connectors_charge_point_connector;
CREATE UNIQUE INDEX idx_ocpp_connectors_charge_point_evse_connector ON ocpp_connectors (charge_point_id, evse_id, connector_id);

ALTER TABLE ocpp_charging_sessions ADD COLUMN evse_id bigint NOT NULL DEFAULT 0;
ALTER TABLE ocpp_charging_sessions ADD COLUMN station_transaction_id character varying(36) NOT NULL DEFAULT '';
ALTER TABLE ocpp_charging_sessions ADD COLUMN id_token_type character varying(20) NOT NULL DEFAULT '';
ALTER TABLE ocpp_charging_sessions ADD COLUMN seq_no bigint NOT NULL DEFAULT 0;
ALTER TABLE ocpp_charging_sessions ADD COLUMN offline boolean NOT NULL DEFAULT false;
ALTER TABLE ocpp_charging_sessions ADD COLUMN remote_start_id bigint;
ALTER TABLE ocpp_charging_sessions ADD COLUMN meter_start_at timestamp with time zone;
ALTER TABLE ocpp_charging_sessions ALTER COLUMN id_tag TYPE character varying(36);
UPDATE ocpp_charging_sessions SET evse_id = connector_id;
DROP INDEX IF EXISTS idx_ocpp_charging_sessions_connector;
CREATE INDEX idx_ocpp_charging_sessions_evse ON ocpp_charging_sessions (charge_point_id, evse_id, status);
CREATE UNIQUE INDEX idx_ocpp_charging_sessions_station_transaction ON ocpp_charging_sessions (charge_point_id, station_transaction_id) WHERE station_transaction_id <> '';

ALTER TABLE ocpp_meter_values ADD COLUMN evse_id bigint NOT NULL DEFAULT 0;
ALTER TABLE ocpp_meter_values ADD COLUMN signed_data text;
UPDATE ocpp_meter_values SET evse_id = connector_id;
-- A reading's identity (0002) gains the EVSE: two EVSEs of a 2.0.1 station
-- both have a connector 1.
DROP INDEX IF EXISTS idx_ocpp_meter_values_reading;
CREATE UNIQUE INDEX idx_ocpp_meter_values_reading ON ocpp_meter_values (
    charge_point_id, measurand, "timestamp", evse_id, connector_id, (COALESCE(transaction_id, 0)),
    (COALESCE(phase, '')), (COALESCE(location, '')), (COALESCE(context, '')));

ALTER TABLE ocpp_reservations ADD COLUMN evse_id bigint NOT NULL DEFAULT 0;
ALTER TABLE ocpp_reservations ALTER COLUMN id_tag TYPE character varying(36);
ALTER TABLE ocpp_reservations ALTER COLUMN parent_id_tag TYPE character varying(36);
UPDATE ocpp_reservations SET evse_id = connector_id;

ALTER TABLE ocpp_charging_profiles ADD COLUMN evse_id bigint NOT NULL DEFAULT 0;
UPDATE ocpp_charging_profiles SET evse_id = connector_id;

ALTER TABLE ocpp_id_tags ALTER COLUMN tag TYPE character varying(36);
ALTER TABLE ocpp_id_tags ALTER COLUMN parent_tag TYPE character varying(36);
ALTER TABLE ocpp_local_list_entries ALTER COLUMN id_tag TYPE character varying(36);
ALTER TABLE ocpp_local_list_entries ALTER COLUMN parent_id_tag TYPE character varying(36);

ALTER TABLE ocpp_commands ADD COLUMN ocpp_version character varying(20) NOT NULL DEFAULT '';
UPDATE ocpp_commands SET ocpp_version = 'ocpp1.6';

CREATE TABLE IF NOT EXISTS ocpp_transaction_events (
    id bigserial PRIMARY KEY,
    charge_point_id bigint NOT NULL,
    charging_session_id bigint NOT NULL,
    seq_no bigint NOT NULL,
    event_type character varying(10) NOT NULL,
    trigger_reason character varying(30) NOT NULL DEFAULT '',
    "timestamp" timestamp with time zone NOT NULL,
    offline boolean NOT NULL DEFAULT false,
    charging_state character varying(20) NOT NULL DEFAULT '',
    received_at timestamp with time zone NOT NULL,
    CONSTRAINT fk_ocpp_transaction_events_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE,
    CONSTRAINT fk_ocpp_transaction_events_charging_session FOREIGN KEY (charging_session_id) REFERENCES ocpp_charging_sessions(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_transaction_events_event ON ocpp_transaction_events (charging_session_id, seq_no, "timestamp");

CREATE TABLE IF NOT EXISTS ocpp_variables (
    id bigserial PRIMARY KEY,
    charge_point_id bigint NOT NULL,
    component character varying(50) NOT NULL,
    component_instance character varying(50) NOT NULL DEFAULT '',
    evse_id bigint NOT NULL DEFAULT 0,
    connector_id bigint NOT NULL DEFAULT 0,
    name character varying(50) NOT NULL,
    instance character varying(50) NOT NULL DEFAULT '',
    attribute character varying(10) NOT NULL DEFAULT 'Actual',
    value text,
    mutability character varying(10) NOT NULL DEFAULT '',
    persistent boolean NOT NULL DEFAULT false,
    constant boolean NOT NULL DEFAULT false,
    data_type character varying(20) NOT NULL DEFAULT '',
    unit character varying(16) NOT NULL DEFAULT '',
    min_limit double precision,
    max_limit double precision,
    values_list text,
    supports_monitoring boolean NOT NULL DEFAULT false,
    status character varying(30) NOT NULL DEFAULT '',
    reported_at timestamp with time zone,
    changed_at timestamp with time zone,
    created_at timestamp with time zone,
    updated_at timestamp with time zone,
    CONSTRAINT fk_ocpp_variables_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_variables_key ON ocpp_variables (charge_point_id, component, component_instance, evse_id, connector_id, name, instance, attribute);
