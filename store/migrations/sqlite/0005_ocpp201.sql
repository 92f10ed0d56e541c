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
-- session has one). id tags grow to the 36 characters of a 2.0.1 idToken
-- (on PostgreSQL; SQLite's text columns have no length).
--
-- New tables: the TransactionEvents received (one row per event, which
-- makes retries idempotent), and the device model (the variables of 2.0.1
-- components, as NotifyReport and GetVariables/SetVariables report them).

ALTER TABLE ocpp_charge_points ADD COLUMN ocpp_version text NOT NULL DEFAULT '';
ALTER TABLE ocpp_charge_points ADD COLUMN boot_reason text NOT NULL DEFAULT '';
UPDATE ocpp_charge_points SET ocpp_version = 'ocpp1.6' WHERE connected_at IS NOT NULL;

ALTER TABLE ocpp_connectors ADD COLUMN evse_id integer NOT NULL DEFAULT 0;
UPDATE ocpp_connectors SET evse_id = connector_id;
DROP INDEX IF EXISTS idx_ocpp_connectors_charge_point_connector;
CREATE UNIQUE INDEX idx_ocpp_connectors_charge_point_evse_connector ON ocpp_connectors (charge_point_id, evse_id, connector_id);

ALTER TABLE ocpp_charging_sessions ADD COLUMN evse_id integer NOT NULL DEFAULT 0;
ALTER TABLE ocpp_charging_sessions ADD COLUMN station_transaction_id text NOT NULL DEFAULT '';
ALTER TABLE ocpp_charging_sessions ADD COLUMN id_token_type text NOT NULL DEFAULT '';
ALTER TABLE ocpp_charging_sessions ADD COLUMN seq_no integer NOT NULL DEFAULT 0;
ALTER TABLE ocpp_charging_sessions ADD COLUMN offline numeric NOT NULL DEFAULT false;
ALTER TABLE ocpp_charging_sessions ADD COLUMN remote_start_id integer;
ALTER TABLE ocpp_charging_sessions ADD COLUMN meter_start_at datetime;
UPDATE ocpp_charging_sessions SET evse_id = connector_id;
DROP INDEX IF EXISTS idx_ocpp_charging_sessions_connector;
CREATE INDEX idx_ocpp_charging_sessions_evse ON ocpp_charging_sessions (charge_point_id, evse_id, status);
CREATE UNIQUE INDEX idx_ocpp_charging_sessions_station_transaction ON ocpp_charging_sessions (charge_point_id, station_transaction_id) WHERE station_transaction_id <> '';

ALTER TABLE ocpp_meter_values ADD COLUMN evse_id integer NOT NULL DEFAULT 0;
ALTER TABLE ocpp_meter_values ADD COLUMN signed_data text;
UPDATE ocpp_meter_values SET evse_id = connector_id;
-- A reading's identity (0002) gains the EVSE: two EVSEs of a 2.0.1 station
-- both have a connector 1.
DROP INDEX IF EXISTS idx_ocpp_meter_values_reading;
CREATE UNIQUE INDEX idx_ocpp_meter_values_reading ON ocpp_meter_values (
    charge_point_id, measurand, timestamp, evse_id, connector_id, (COALESCE(transaction_id, 0)),
    (COALESCE(phase, '')), (COALESCE(location, '')), (COALESCE(context, '')));

ALTER TABLE ocpp_reservations ADD COLUMN evse_id integer NOT NULL DEFAULT 0;
UPDATE ocpp_reservations SET evse_id = connector_id;

ALTER TABLE ocpp_charging_profiles ADD COLUMN evse_id integer NOT NULL DEFAULT 0;
UPDATE ocpp_charging_profiles SET evse_id = connector_id;


ALTER TABLE ocpp_commands ADD COLUMN ocpp_version text NOT NULL DEFAULT '';
UPDATE ocpp_commands SET ocpp_version = 'ocpp1.6';

CREATE TABLE IF NOT EXISTS ocpp_transaction_events (
    id integer PRIMARY KEY AUTOINCREMENT,
    charge_point_id integer NOT NULL,
    charging_session_id integer NOT NULL,
    seq_no integer NOT NULL,
    event_type text NOT NULL,
    trigger_reason text NOT NULL DEFAULT '',
    "timestamp" datetime NOT NULL,
    offline numeric NOT NULL DEFAULT false,
    charging_state text NOT NULL DEFAULT '',
    received_at datetime NOT NULL,
    CONSTRAINT fk_ocpp_transaction_events_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE,
    CONSTRAINT fk_ocpp_transaction_events_charging_session FOREIGN KEY (charging_session_id) REFERENCES ocpp_charging_sessions(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_transaction_events_event ON ocpp_transaction_events (charging_session_id, seq_no, "timestamp");

CREATE TABLE IF NOT EXISTS ocpp_variables (
    id integer PRIMARY KEY AUTOINCREMENT,
    charge_point_id integer NOT NULL,
    component text NOT NULL,
    component_instance text NOT NULL DEFAULT '',
    evse_id integer NOT NULL DEFAULT 0,
    connector_id integer NOT NULL DEFAULT 0,
    name text NOT NULL,
    instance text NOT NULL DEFAULT '',
    attribute text NOT NULL DEFAULT 'Actual',
    value text,
    mutability text NOT NULL DEFAULT '',
    persistent numeric NOT NULL DEFAULT false,
    constant numeric NOT NULL DEFAULT false,
    data_type text NOT NULL DEFAULT '',
    unit text NOT NULL DEFAULT '',
    min_limit real,
    max_limit real,
    values_list text,
    supports_monitoring numeric NOT NULL DEFAULT false,
    status text NOT NULL DEFAULT '',
    reported_at datetime,
    changed_at datetime,
    created_at datetime,
    updated_at datetime,
    CONSTRAINT fk_ocpp_variables_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_variables_key ON ocpp_variables (charge_point_id, component, component_instance, evse_id, connector_id, name, instance, attribute);
