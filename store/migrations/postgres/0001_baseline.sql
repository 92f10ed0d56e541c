-- The schema of ocppkit before versioned migrations (what store.Migrate
-- created with gorm AutoMigrate up to then). Every statement is "IF NOT
-- EXISTS", so a database made by that code takes this migration as a no-op.

CREATE TABLE IF NOT EXISTS ocpp_charge_points (
    id bigserial PRIMARY KEY,
    identifier character varying(255) NOT NULL,
    vendor character varying(255),
    model character varying(255),
    serial_number character varying(255),
    charge_box_serial_number character varying(255),
    firmware_version character varying(255),
    iccid character varying(255),
    imsi character varying(255),
    meter_type character varying(255),
    meter_serial_number character varying(255),
    status character varying(50),
    connected boolean DEFAULT false NOT NULL,
    last_heartbeat_at timestamp with time zone,
    connected_at timestamp with time zone,
    disconnected_at timestamp with time zone,
    booted_at timestamp with time zone,
    metadata jsonb,
    password_digest character varying(255),
    node character varying(255),
    created_at timestamp with time zone,
    updated_at timestamp with time zone
);
CREATE INDEX IF NOT EXISTS idx_ocpp_charge_points_connected ON ocpp_charge_points (connected);
CREATE INDEX IF NOT EXISTS idx_ocpp_charge_points_node ON ocpp_charge_points (node);
CREATE INDEX IF NOT EXISTS idx_ocpp_charge_points_status ON ocpp_charge_points (status);
CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_charge_points_identifier ON ocpp_charge_points (identifier);

CREATE TABLE IF NOT EXISTS ocpp_connectors (
    id bigserial PRIMARY KEY,
    charge_point_id bigint NOT NULL,
    connector_id bigint NOT NULL,
    status character varying(50),
    error_code character varying(50),
    info character varying(255),
    vendor_id character varying(255),
    vendor_error_code character varying(255),
    status_at timestamp with time zone,
    created_at timestamp with time zone,
    updated_at timestamp with time zone,
    CONSTRAINT fk_ocpp_connectors_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_connectors_charge_point_connector ON ocpp_connectors (charge_point_id, connector_id);

CREATE TABLE IF NOT EXISTS ocpp_charging_sessions (
    id bigserial PRIMARY KEY,
    charge_point_id bigint NOT NULL,
    connector_id bigint NOT NULL,
    transaction_id bigint NOT NULL,
    id_tag character varying(20),
    status character varying(20) DEFAULT 'Active'::character varying NOT NULL,
    started_at timestamp with time zone NOT NULL,
    stopped_at timestamp with time zone,
    meter_start bigint DEFAULT 0 NOT NULL,
    meter_stop bigint,
    energy_consumed numeric DEFAULT 0 NOT NULL,
    energy_updated_at timestamp with time zone,
    stop_reason character varying(50),
    reservation_id bigint,
    unmatched boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone,
    updated_at timestamp with time zone,
    CONSTRAINT fk_ocpp_charging_sessions_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS idx_ocpp_charging_sessions_connector ON ocpp_charging_sessions (charge_point_id, connector_id, status);
CREATE INDEX IF NOT EXISTS idx_ocpp_charging_sessions_started_at ON ocpp_charging_sessions (started_at);
CREATE INDEX IF NOT EXISTS idx_ocpp_charging_sessions_status ON ocpp_charging_sessions (status);
CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_charging_sessions_transaction_id ON ocpp_charging_sessions (transaction_id) WHERE unmatched = false;
CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_charging_sessions_unmatched ON ocpp_charging_sessions (charge_point_id, transaction_id) WHERE unmatched = true;

CREATE TABLE IF NOT EXISTS ocpp_meter_values (
    id bigserial PRIMARY KEY,
    charge_point_id bigint NOT NULL,
    charging_session_id bigint,
    connector_id bigint NOT NULL,
    transaction_id bigint,
    measurand character varying(50) DEFAULT 'Energy.Active.Import.Register'::character varying NOT NULL,
    value numeric NOT NULL,
    raw_value text,
    unit character varying(20) DEFAULT 'Wh'::character varying NOT NULL,
    phase character varying(20),
    context character varying(50),
    location character varying(20),
    format character varying(20),
    "timestamp" timestamp with time zone NOT NULL,
    created_at timestamp with time zone,
    CONSTRAINT fk_ocpp_meter_values_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE,
    CONSTRAINT fk_ocpp_meter_values_charging_session FOREIGN KEY (charging_session_id) REFERENCES ocpp_charging_sessions(id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS idx_ocpp_meter_values_charge_point ON ocpp_meter_values (charge_point_id, measurand, "timestamp");
CREATE INDEX IF NOT EXISTS idx_ocpp_meter_values_session ON ocpp_meter_values (charging_session_id, "timestamp");

CREATE TABLE IF NOT EXISTS ocpp_id_tags (
    id bigserial PRIMARY KEY,
    tag character varying(20) NOT NULL,
    status character varying(20) DEFAULT 'Accepted'::character varying NOT NULL,
    expiry_date timestamp with time zone,
    parent_tag character varying(20),
    created_at timestamp with time zone,
    updated_at timestamp with time zone
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_id_tags_tag ON ocpp_id_tags (tag);

CREATE TABLE IF NOT EXISTS ocpp_commands (
    id bigserial PRIMARY KEY,
    charge_point_id bigint,
    identifier character varying(255) NOT NULL,
    action character varying(100) NOT NULL,
    payload text,
    status character varying(20) DEFAULT 'pending'::character varying NOT NULL,
    response text,
    error_code character varying(50),
    error_description text,
    created_at timestamp with time zone,
    updated_at timestamp with time zone,
    sent_at timestamp with time zone,
    completed_at timestamp with time zone,
    expires_at timestamp with time zone
);
CREATE INDEX IF NOT EXISTS idx_ocpp_commands_charge_point ON ocpp_commands (charge_point_id);
CREATE INDEX IF NOT EXISTS idx_ocpp_commands_identifier_status ON ocpp_commands (identifier, status);

CREATE TABLE IF NOT EXISTS ocpp_messages (
    id bigserial PRIMARY KEY,
    charge_point_id bigint,
    identifier character varying(255),
    direction character varying(3) NOT NULL,
    frame text NOT NULL,
    created_at timestamp with time zone
);
CREATE INDEX IF NOT EXISTS idx_ocpp_messages_created_at ON ocpp_messages (created_at);
CREATE INDEX IF NOT EXISTS idx_ocpp_messages_identifier ON ocpp_messages (identifier);

CREATE TABLE IF NOT EXISTS ocpp_reservations (
    id bigserial PRIMARY KEY,
    charge_point_id bigint NOT NULL,
    reservation_id bigint NOT NULL,
    connector_id bigint NOT NULL,
    id_tag character varying(20) NOT NULL,
    parent_id_tag character varying(20),
    expiry_date timestamp with time zone NOT NULL,
    status character varying(20) DEFAULT 'Active'::character varying NOT NULL,
    session_id bigint,
    used_at timestamp with time zone,
    created_at timestamp with time zone,
    updated_at timestamp with time zone,
    CONSTRAINT fk_ocpp_reservations_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS idx_ocpp_reservations_expiry ON ocpp_reservations (expiry_date);
CREATE INDEX IF NOT EXISTS idx_ocpp_reservations_status ON ocpp_reservations (status, charge_point_id);
CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_reservations_charge_point_reservation ON ocpp_reservations (charge_point_id, reservation_id);

CREATE TABLE IF NOT EXISTS ocpp_local_lists (
    id bigserial PRIMARY KEY,
    charge_point_id bigint NOT NULL,
    version bigint DEFAULT 0 NOT NULL,
    created_at timestamp with time zone,
    updated_at timestamp with time zone,
    CONSTRAINT fk_ocpp_local_lists_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_local_lists_charge_point ON ocpp_local_lists (charge_point_id);

CREATE TABLE IF NOT EXISTS ocpp_local_list_entries (
    id bigserial PRIMARY KEY,
    charge_point_id bigint NOT NULL,
    id_tag character varying(20) NOT NULL,
    status character varying(20) NOT NULL,
    expiry_date timestamp with time zone,
    parent_id_tag character varying(20),
    created_at timestamp with time zone,
    updated_at timestamp with time zone,
    CONSTRAINT fk_ocpp_local_list_entries_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_local_list_entries_tag ON ocpp_local_list_entries (charge_point_id, id_tag);

CREATE TABLE IF NOT EXISTS ocpp_charging_profiles (
    id bigserial PRIMARY KEY,
    charge_point_id bigint NOT NULL,
    profile_id bigint NOT NULL,
    connector_id bigint NOT NULL,
    stack_level bigint NOT NULL,
    purpose character varying(30) NOT NULL,
    kind character varying(20),
    transaction_id bigint,
    profile text NOT NULL,
    created_at timestamp with time zone,
    updated_at timestamp with time zone,
    CONSTRAINT fk_ocpp_charging_profiles_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS idx_ocpp_charging_profiles_connector ON ocpp_charging_profiles (charge_point_id, connector_id);
CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_charging_profiles_profile ON ocpp_charging_profiles (charge_point_id, profile_id);

CREATE TABLE IF NOT EXISTS ocpp_configuration_keys (
    id bigserial PRIMARY KEY,
    charge_point_id bigint NOT NULL,
    key character varying(50) NOT NULL,
    value text,
    readonly boolean DEFAULT false NOT NULL,
    unknown boolean DEFAULT false NOT NULL,
    reboot_required boolean DEFAULT false NOT NULL,
    reported_at timestamp with time zone,
    changed_at timestamp with time zone,
    created_at timestamp with time zone,
    updated_at timestamp with time zone,
    CONSTRAINT fk_ocpp_configuration_keys_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_configuration_keys_key ON ocpp_configuration_keys (charge_point_id, key);

CREATE TABLE IF NOT EXISTS ocpp_status_reports (
    id bigserial PRIMARY KEY,
    charge_point_id bigint NOT NULL,
    kind character varying(20) NOT NULL,
    status character varying(50) NOT NULL,
    request_id bigint,
    received_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone,
    CONSTRAINT fk_ocpp_status_reports_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS idx_ocpp_status_reports_kind ON ocpp_status_reports (charge_point_id, kind, received_at);

CREATE TABLE IF NOT EXISTS ocpp_security_events (
    id bigserial PRIMARY KEY,
    charge_point_id bigint NOT NULL,
    type character varying(50) NOT NULL,
    tech_info character varying(255),
    "timestamp" timestamp with time zone NOT NULL,
    received_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone,
    CONSTRAINT fk_ocpp_security_events_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS idx_ocpp_security_events_charge_point ON ocpp_security_events (charge_point_id, "timestamp");
