-- The schema gorm AutoMigrate created for ocppkit before versioned migrations
-- (pg_dump --schema-only of a schema store.Migrate made at commit 803d77a).

CREATE TABLE ocpp_charge_points (
    id bigint NOT NULL,
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

CREATE SEQUENCE ocpp_charge_points_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE ocpp_charge_points_id_seq OWNED BY ocpp_charge_points.id;

CREATE TABLE ocpp_charging_profiles (
    id bigint NOT NULL,
    charge_point_id bigint NOT NULL,
    profile_id bigint NOT NULL,
    connector_id bigint NOT NULL,
    stack_level bigint NOT NULL,
    purpose character varying(30) NOT NULL,
    kind character varying(20),
    transaction_id bigint,
    profile text NOT NULL,
    created_at timestamp with time zone,
    updated_at timestamp with time zone
);

CREATE SEQUENCE ocpp_charging_profiles_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE ocpp_charging_profiles_id_seq OWNED BY ocpp_charging_profiles.id;

CREATE TABLE ocpp_charging_sessions (
    id bigint NOT NULL,
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
    updated_at timestamp with time zone
);

CREATE SEQUENCE ocpp_charging_sessions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE ocpp_charging_sessions_id_seq OWNED BY ocpp_charging_sessions.id;

CREATE TABLE ocpp_commands (
    id bigint NOT NULL,
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

CREATE SEQUENCE ocpp_commands_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE ocpp_commands_id_seq OWNED BY ocpp_commands.id;

CREATE TABLE ocpp_configuration_keys (
    id bigint NOT NULL,
    charge_point_id bigint NOT NULL,
    key character varying(50) NOT NULL,
    value text,
    readonly boolean DEFAULT false NOT NULL,
    unknown boolean DEFAULT false NOT NULL,
    reboot_required boolean DEFAULT false NOT NULL,
    reported_at timestamp with time zone,
    changed_at timestamp with time zone,
    created_at timestamp with time zone,
    updated_at timestamp with time zone
);

CREATE SEQUENCE ocpp_configuration_keys_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE ocpp_configuration_keys_id_seq OWNED BY ocpp_configuration_keys.id;

CREATE TABLE ocpp_connectors (
    id bigint NOT NULL,
    charge_point_id bigint NOT NULL,
    connector_id bigint NOT NULL,
    status character varying(50),
    error_code character varying(50),
    info character varying(255),
    vendor_id character varying(255),
    vendor_error_code character varying(255),
    status_at timestamp with time zone,
    created_at timestamp with time zone,
    updated_at timestamp with time zone
);

CREATE SEQUENCE ocpp_connectors_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE ocpp_connectors_id_seq OWNED BY ocpp_connectors.id;

CREATE TABLE ocpp_id_tags (
    id bigint NOT NULL,
    tag character varying(20) NOT NULL,
    status character varying(20) DEFAULT 'Accepted'::character varying NOT NULL,
    expiry_date timestamp with time zone,
    parent_tag character varying(20),
    created_at timestamp with time zone,
    updated_at timestamp with time zone
);

CREATE SEQUENCE ocpp_id_tags_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE ocpp_id_tags_id_seq OWNED BY ocpp_id_tags.id;

CREATE TABLE ocpp_local_list_entries (
    id bigint NOT NULL,
    charge_point_id bigint NOT NULL,
    id_tag character varying(20) NOT NULL,
    status character varying(20) NOT NULL,
    expiry_date timestamp with time zone,
    parent_id_tag character varying(20),
    created_at timestamp with time zone,
    updated_at timestamp with time zone
);

CREATE SEQUENCE ocpp_local_list_entries_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE ocpp_local_list_entries_id_seq OWNED BY ocpp_local_list_entries.id;

CREATE TABLE ocpp_local_lists (
    id bigint NOT NULL,
    charge_point_id bigint NOT NULL,
    version bigint DEFAULT 0 NOT NULL,
    created_at timestamp with time zone,
    updated_at timestamp with time zone
);

CREATE SEQUENCE ocpp_local_lists_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE ocpp_local_lists_id_seq OWNED BY ocpp_local_lists.id;

CREATE TABLE ocpp_messages (
    id bigint NOT NULL,
    charge_point_id bigint,
    identifier character varying(255),
    direction character varying(3) NOT NULL,
    frame text NOT NULL,
    created_at timestamp with time zone
);

CREATE SEQUENCE ocpp_messages_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE ocpp_messages_id_seq OWNED BY ocpp_messages.id;

CREATE TABLE ocpp_meter_values (
    id bigint NOT NULL,
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
    created_at timestamp with time zone
);

CREATE SEQUENCE ocpp_meter_values_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE ocpp_meter_values_id_seq OWNED BY ocpp_meter_values.id;

CREATE TABLE ocpp_reservations (
    id bigint NOT NULL,
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
    updated_at timestamp with time zone
);

CREATE SEQUENCE ocpp_reservations_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE ocpp_reservations_id_seq OWNED BY ocpp_reservations.id;

CREATE TABLE ocpp_security_events (
    id bigint NOT NULL,
    charge_point_id bigint NOT NULL,
    type character varying(50) NOT NULL,
    tech_info character varying(255),
    "timestamp" timestamp with time zone NOT NULL,
    received_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone
);

CREATE SEQUENCE ocpp_security_events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE ocpp_security_events_id_seq OWNED BY ocpp_security_events.id;

CREATE TABLE ocpp_status_reports (
    id bigint NOT NULL,
    charge_point_id bigint NOT NULL,
    kind character varying(20) NOT NULL,
    status character varying(50) NOT NULL,
    request_id bigint,
    received_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone
);

CREATE SEQUENCE ocpp_status_reports_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE ocpp_status_reports_id_seq OWNED BY ocpp_status_reports.id;

ALTER TABLE ONLY ocpp_charge_points ALTER COLUMN id SET DEFAULT nextval('ocpp_charge_points_id_seq'::regclass);

ALTER TABLE ONLY ocpp_charging_profiles ALTER COLUMN id SET DEFAULT nextval('ocpp_charging_profiles_id_seq'::regclass);

ALTER TABLE ONLY ocpp_charging_sessions ALTER COLUMN id SET DEFAULT nextval('ocpp_charging_sessions_id_seq'::regclass);

ALTER TABLE ONLY ocpp_commands ALTER COLUMN id SET DEFAULT nextval('ocpp_commands_id_seq'::regclass);

ALTER TABLE ONLY ocpp_configuration_keys ALTER COLUMN id SET DEFAULT nextval('ocpp_configuration_keys_id_seq'::regclass);

ALTER TABLE ONLY ocpp_connectors ALTER COLUMN id SET DEFAULT nextval('ocpp_connectors_id_seq'::regclass);

ALTER TABLE ONLY ocpp_id_tags ALTER COLUMN id SET DEFAULT nextval('ocpp_id_tags_id_seq'::regclass);

ALTER TABLE ONLY ocpp_local_list_entries ALTER COLUMN id SET DEFAULT nextval('ocpp_local_list_entries_id_seq'::regclass);

ALTER TABLE ONLY ocpp_local_lists ALTER COLUMN id SET DEFAULT nextval('ocpp_local_lists_id_seq'::regclass);

ALTER TABLE ONLY ocpp_messages ALTER COLUMN id SET DEFAULT nextval('ocpp_messages_id_seq'::regclass);

ALTER TABLE ONLY ocpp_meter_values ALTER COLUMN id SET DEFAULT nextval('ocpp_meter_values_id_seq'::regclass);

ALTER TABLE ONLY ocpp_reservations ALTER COLUMN id SET DEFAULT nextval('ocpp_reservations_id_seq'::regclass);

ALTER TABLE ONLY ocpp_security_events ALTER COLUMN id SET DEFAULT nextval('ocpp_security_events_id_seq'::regclass);

ALTER TABLE ONLY ocpp_status_reports ALTER COLUMN id SET DEFAULT nextval('ocpp_status_reports_id_seq'::regclass);

ALTER TABLE ONLY ocpp_charge_points
    ADD CONSTRAINT ocpp_charge_points_pkey PRIMARY KEY (id);

ALTER TABLE ONLY ocpp_charging_profiles
    ADD CONSTRAINT ocpp_charging_profiles_pkey PRIMARY KEY (id);

ALTER TABLE ONLY ocpp_charging_sessions
    ADD CONSTRAINT ocpp_charging_sessions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY ocpp_commands
    ADD CONSTRAINT ocpp_commands_pkey PRIMARY KEY (id);

ALTER TABLE ONLY ocpp_configuration_keys
    ADD CONSTRAINT ocpp_configuration_keys_pkey PRIMARY KEY (id);

ALTER TABLE ONLY ocpp_connectors
    ADD CONSTRAINT ocpp_connectors_pkey PRIMARY KEY (id);

ALTER TABLE ONLY ocpp_id_tags
    ADD CONSTRAINT ocpp_id_tags_pkey PRIMARY KEY (id);

ALTER TABLE ONLY ocpp_local_list_entries
    ADD CONSTRAINT ocpp_local_list_entries_pkey PRIMARY KEY (id);

ALTER TABLE ONLY ocpp_local_lists
    ADD CONSTRAINT ocpp_local_lists_pkey PRIMARY KEY (id);

ALTER TABLE ONLY ocpp_messages
    ADD CONSTRAINT ocpp_messages_pkey PRIMARY KEY (id);

ALTER TABLE ONLY ocpp_meter_values
    ADD CONSTRAINT ocpp_meter_values_pkey PRIMARY KEY (id);

ALTER TABLE ONLY ocpp_reservations
    ADD CONSTRAINT ocpp_reservations_pkey PRIMARY KEY (id);

ALTER TABLE ONLY ocpp_security_events
    ADD CONSTRAINT ocpp_security_events_pkey PRIMARY KEY (id);

ALTER TABLE ONLY ocpp_status_reports
    ADD CONSTRAINT ocpp_status_reports_pkey PRIMARY KEY (id);

CREATE INDEX idx_ocpp_charge_points_connected ON ocpp_charge_points USING btree (connected);

CREATE UNIQUE INDEX idx_ocpp_charge_points_identifier ON ocpp_charge_points USING btree (identifier);

CREATE INDEX idx_ocpp_charge_points_node ON ocpp_charge_points USING btree (node);

CREATE INDEX idx_ocpp_charge_points_status ON ocpp_charge_points USING btree (status);

CREATE INDEX idx_ocpp_charging_profiles_connector ON ocpp_charging_profiles USING btree (charge_point_id, connector_id);

CREATE UNIQUE INDEX idx_ocpp_charging_profiles_profile ON ocpp_charging_profiles USING btree (charge_point_id, profile_id);

CREATE INDEX idx_ocpp_charging_sessions_connector ON ocpp_charging_sessions USING btree (charge_point_id, connector_id, status);

CREATE INDEX idx_ocpp_charging_sessions_started_at ON ocpp_charging_sessions USING btree (started_at);

CREATE INDEX idx_ocpp_charging_sessions_status ON ocpp_charging_sessions USING btree (status);

CREATE UNIQUE INDEX idx_ocpp_charging_sessions_transaction_id ON ocpp_charging_sessions USING btree (transaction_id) WHERE (unmatched = false);

CREATE UNIQUE INDEX idx_ocpp_charging_sessions_unmatched ON ocpp_charging_sessions USING btree (charge_point_id, transaction_id) WHERE (unmatched = true);

CREATE INDEX idx_ocpp_commands_charge_point ON ocpp_commands USING btree (charge_point_id);

CREATE INDEX idx_ocpp_commands_identifier_status ON ocpp_commands USING btree (identifier, status);

CREATE UNIQUE INDEX idx_ocpp_configuration_keys_key ON ocpp_configuration_keys USING btree (charge_point_id, key);

CREATE UNIQUE INDEX idx_ocpp_connectors_charge_point_connector ON ocpp_connectors USING btree (charge_point_id, connector_id);

CREATE UNIQUE INDEX idx_ocpp_id_tags_tag ON ocpp_id_tags USING btree (tag);

CREATE UNIQUE INDEX idx_ocpp_local_list_entries_tag ON ocpp_local_list_entries USING btree (charge_point_id, id_tag);

CREATE UNIQUE INDEX idx_ocpp_local_lists_charge_point ON ocpp_local_lists USING btree (charge_point_id);

CREATE INDEX idx_ocpp_messages_created_at ON ocpp_messages USING btree (created_at);

CREATE INDEX idx_ocpp_messages_identifier ON ocpp_messages USING btree (identifier);

CREATE INDEX idx_ocpp_meter_values_charge_point ON ocpp_meter_values USING btree (charge_point_id, measurand, "timestamp");

CREATE INDEX idx_ocpp_meter_values_session ON ocpp_meter_values USING btree (charging_session_id, "timestamp");

CREATE UNIQUE INDEX idx_ocpp_reservations_charge_point_reservation ON ocpp_reservations USING btree (charge_point_id, reservation_id);

CREATE INDEX idx_ocpp_reservations_expiry ON ocpp_reservations USING btree (expiry_date);

CREATE INDEX idx_ocpp_reservations_status ON ocpp_reservations USING btree (status, charge_point_id);

CREATE INDEX idx_ocpp_security_events_charge_point ON ocpp_security_events USING btree (charge_point_id, "timestamp");

CREATE INDEX idx_ocpp_status_reports_kind ON ocpp_status_reports USING btree (charge_point_id, kind, received_at);

ALTER TABLE ONLY ocpp_charging_profiles
    ADD CONSTRAINT fk_ocpp_charging_profiles_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE;

ALTER TABLE ONLY ocpp_charging_sessions
    ADD CONSTRAINT fk_ocpp_charging_sessions_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE;

ALTER TABLE ONLY ocpp_configuration_keys
    ADD CONSTRAINT fk_ocpp_configuration_keys_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE;

ALTER TABLE ONLY ocpp_connectors
    ADD CONSTRAINT fk_ocpp_connectors_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE;

ALTER TABLE ONLY ocpp_local_list_entries
    ADD CONSTRAINT fk_ocpp_local_list_entries_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE;

ALTER TABLE ONLY ocpp_local_lists
    ADD CONSTRAINT fk_ocpp_local_lists_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE;

ALTER TABLE ONLY ocpp_meter_values
    ADD CONSTRAINT fk_ocpp_meter_values_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE;

ALTER TABLE ONLY ocpp_meter_values
    ADD CONSTRAINT fk_ocpp_meter_values_charging_session FOREIGN KEY (charging_session_id) REFERENCES ocpp_charging_sessions(id) ON DELETE CASCADE;

ALTER TABLE ONLY ocpp_reservations
    ADD CONSTRAINT fk_ocpp_reservations_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE;

ALTER TABLE ONLY ocpp_security_events
    ADD CONSTRAINT fk_ocpp_security_events_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE;

ALTER TABLE ONLY ocpp_status_reports
    ADD CONSTRAINT fk_ocpp_status_reports_charge_point FOREIGN KEY (charge_point_id) REFERENCES ocpp_charge_points(id) ON DELETE CASCADE;

