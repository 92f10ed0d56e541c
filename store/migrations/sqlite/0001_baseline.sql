-- The schema of ocppkit before versioned migrations (what store.Migrate
-- created with gorm AutoMigrate up to then). Every statement is "IF NOT
-- EXISTS", so a database made by that code takes this migration as a no-op.

CREATE TABLE IF NOT EXISTS ocpp_charge_points (
    id integer PRIMARY KEY AUTOINCREMENT,
    identifier text NOT NULL,
    vendor text,
    model text,
    serial_number text,
    charge_box_serial_number text,
    firmware_version text,
    iccid text,
    imsi text,
    meter_type text,
    meter_serial_number text,
    status text,
    connected numeric NOT NULL DEFAULT false,
    last_heartbeat_at datetime,
    connected_at datetime,
    disconnected_at datetime,
    booted_at datetime,
    metadata text,
    password_digest text,
    node text,
    created_at datetime,
    updated_at datetime
);
CREATE INDEX IF NOT EXISTS idx_ocpp_charge_points_connected ON ocpp_charge_points (connected);
CREATE INDEX IF NOT EXISTS idx_ocpp_charge_points_node ON ocpp_charge_points (node);
CREATE INDEX IF NOT EXISTS idx_ocpp_charge_points_status ON ocpp_charge_points (status);
CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_charge_points_identifier ON ocpp_charge_points (identifier);

CREATE TABLE IF NOT EXISTS ocpp_connectors (
    id integer PRIMARY KEY AUTOINCREMENT,
    charge_point_id integer NOT NULL,
    connector_id integer NOT NULL,
    status text,
    error_code text,
    info text,
    vendor_id text,
    vendor_error_code text,
    status_at datetime,
    created_at datetime,
    updated_at datetime,
    CONSTRAINT fk_ocpp_connectors_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_connectors_charge_point_connector ON ocpp_connectors (charge_point_id,connector_id);

CREATE TABLE IF NOT EXISTS ocpp_charging_sessions (
    id integer PRIMARY KEY AUTOINCREMENT,
    charge_point_id integer NOT NULL,
    connector_id integer NOT NULL,
    transaction_id integer NOT NULL,
    id_tag text,
    status text NOT NULL DEFAULT 'Active',
    started_at datetime NOT NULL,
    stopped_at datetime,
    meter_start integer NOT NULL DEFAULT 0,
    meter_stop integer,
    energy_consumed real NOT NULL DEFAULT 0,
    energy_updated_at datetime,
    stop_reason text,
    reservation_id integer,
    unmatched numeric NOT NULL DEFAULT false,
    created_at datetime,
    updated_at datetime,
    CONSTRAINT fk_ocpp_charging_sessions_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS idx_ocpp_charging_sessions_connector ON ocpp_charging_sessions (charge_point_id,connector_id,status);
CREATE INDEX IF NOT EXISTS idx_ocpp_charging_sessions_started_at ON ocpp_charging_sessions (started_at);
CREATE INDEX IF NOT EXISTS idx_ocpp_charging_sessions_status ON ocpp_charging_sessions (status);
CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_charging_sessions_transaction_id ON ocpp_charging_sessions (transaction_id) WHERE unmatched = false;
CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_charging_sessions_unmatched ON ocpp_charging_sessions (charge_point_id, transaction_id) WHERE unmatched = true;

CREATE TABLE IF NOT EXISTS ocpp_meter_values (
    id integer PRIMARY KEY AUTOINCREMENT,
    charge_point_id integer NOT NULL,
    charging_session_id integer,
    connector_id integer NOT NULL,
    transaction_id integer,
    measurand text NOT NULL DEFAULT 'Energy.Active.Import.Register',
    value real NOT NULL,
    raw_value text,
    unit text NOT NULL DEFAULT 'Wh',
    phase text,
    context text,
    location text,
    format text,
    timestamp datetime NOT NULL,
    created_at datetime,
    CONSTRAINT fk_ocpp_meter_values_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE,
    CONSTRAINT fk_ocpp_meter_values_charging_session FOREIGN KEY (charging_session_id) REFERENCES ocpp_charging_sessions(id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS idx_ocpp_meter_values_charge_point ON ocpp_meter_values (charge_point_id,measurand,timestamp);
CREATE INDEX IF NOT EXISTS idx_ocpp_meter_values_session ON ocpp_meter_values (charging_session_id,timestamp);

CREATE TABLE IF NOT EXISTS ocpp_id_tags (
    id integer PRIMARY KEY AUTOINCREMENT,
    tag text NOT NULL,
    status text NOT NULL DEFAULT 'Accepted',
    expiry_date datetime,
    parent_tag text,
    created_at datetime,
    updated_at datetime
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_id_tags_tag ON ocpp_id_tags (tag);

CREATE TABLE IF NOT EXISTS ocpp_commands (
    id integer PRIMARY KEY AUTOINCREMENT,
    charge_point_id integer,
    identifier text NOT NULL,
    action text NOT NULL,
    payload text,
    status text NOT NULL DEFAULT 'pending',
    response text,
    error_code text,
    error_description text,
    created_at datetime,
    updated_at datetime,
    sent_at datetime,
    completed_at datetime,
    expires_at datetime
);
CREATE INDEX IF NOT EXISTS idx_ocpp_commands_charge_point ON ocpp_commands (charge_point_id);
CREATE INDEX IF NOT EXISTS idx_ocpp_commands_identifier_status ON ocpp_commands (identifier,status);

CREATE TABLE IF NOT EXISTS ocpp_messages (
    id integer PRIMARY KEY AUTOINCREMENT,
    charge_point_id integer,
    identifier text,
    direction text NOT NULL,
    frame text NOT NULL,
    created_at datetime
);
CREATE INDEX IF NOT EXISTS idx_ocpp_messages_created_at ON ocpp_messages (created_at);
CREATE INDEX IF NOT EXISTS idx_ocpp_messages_identifier ON ocpp_messages (identifier);

CREATE TABLE IF NOT EXISTS ocpp_reservations (
    id integer PRIMARY KEY AUTOINCREMENT,
    charge_point_id integer NOT NULL,
    reservation_id integer NOT NULL,
    connector_id integer NOT NULL,
    id_tag text NOT NULL,
    parent_id_tag text,
    expiry_date datetime NOT NULL,
    status text NOT NULL DEFAULT 'Active',
    session_id integer,
    used_at datetime,
    created_at datetime,
    updated_at datetime,
    CONSTRAINT fk_ocpp_reservations_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS idx_ocpp_reservations_expiry ON ocpp_reservations (expiry_date);
CREATE INDEX IF NOT EXISTS idx_ocpp_reservations_status ON ocpp_reservations (status,charge_point_id);
CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_reservations_charge_point_reservation ON ocpp_reservations (charge_point_id,reservation_id);

CREATE TABLE IF NOT EXISTS ocpp_local_lists (
    id integer PRIMARY KEY AUTOINCREMENT,
    charge_point_id integer NOT NULL,
    version integer NOT NULL DEFAULT 0,
    created_at datetime,
    updated_at datetime,
    CONSTRAINT fk_ocpp_local_lists_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_local_lists_charge_point ON ocpp_local_lists (charge_point_id);

CREATE TABLE IF NOT EXISTS ocpp_local_list_entries (
    id integer PRIMARY KEY AUTOINCREMENT,
    charge_point_id integer NOT NULL,
    id_tag text NOT NULL,
    status text NOT NULL,
    expiry_date datetime,
    parent_id_tag text,
    created_at datetime,
    updated_at datetime,
    CONSTRAINT fk_ocpp_local_list_entries_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_local_list_entries_tag ON ocpp_local_list_entries (charge_point_id,id_tag);

CREATE TABLE IF NOT EXISTS ocpp_charging_profiles (
    id integer PRIMARY KEY AUTOINCREMENT,
    charge_point_id integer NOT NULL,
    profile_id integer NOT NULL,
    connector_id integer NOT NULL,
    stack_level integer NOT NULL,
    purpose text NOT NULL,
    kind text,
    transaction_id integer,
    profile text NOT NULL,
    created_at datetime,
    updated_at datetime,
    CONSTRAINT fk_ocpp_charging_profiles_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS idx_ocpp_charging_profiles_connector ON ocpp_charging_profiles (charge_point_id,connector_id);
CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_charging_profiles_profile ON ocpp_charging_profiles (charge_point_id,profile_id);

CREATE TABLE IF NOT EXISTS ocpp_configuration_keys (
    id integer PRIMARY KEY AUTOINCREMENT,
    charge_point_id integer NOT NULL,
    key text NOT NULL,
    value text,
    readonly numeric NOT NULL DEFAULT false,
    unknown numeric NOT NULL DEFAULT false,
    reboot_required numeric NOT NULL DEFAULT false,
    reported_at datetime,
    changed_at datetime,
    created_at datetime,
    updated_at datetime,
    CONSTRAINT fk_ocpp_configuration_keys_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_configuration_keys_key ON ocpp_configuration_keys (charge_point_id,key);

CREATE TABLE IF NOT EXISTS ocpp_status_reports (
    id integer PRIMARY KEY AUTOINCREMENT,
    charge_point_id integer NOT NULL,
    kind text NOT NULL,
    status text NOT NULL,
    request_id integer,
    received_at datetime NOT NULL,
    created_at datetime,
    CONSTRAINT fk_ocpp_status_reports_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS idx_ocpp_status_reports_kind ON ocpp_status_reports (charge_point_id,kind,received_at);

CREATE TABLE IF NOT EXISTS ocpp_security_events (
    id integer PRIMARY KEY AUTOINCREMENT,
    charge_point_id integer NOT NULL,
    type text NOT NULL,
    tech_info text,
    timestamp datetime NOT NULL,
    received_at datetime NOT NULL,
    created_at datetime,
    CONSTRAINT fk_ocpp_security_events_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS idx_ocpp_security_events_charge_point ON ocpp_security_events (charge_point_id,timestamp);
