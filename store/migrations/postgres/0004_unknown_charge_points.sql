-- Identities whose handshake was refused because they are not registered
-- (store.UnknownChargePoint): the list a back office offers for adoption.

CREATE TABLE ocpp_unknown_charge_points (
    id bigserial PRIMARY KEY,
    identifier character varying(255) NOT NULL,
    remote_addr character varying(255),
    attempts bigint DEFAULT 1 NOT NULL,
    first_seen_at timestamp with time zone NOT NULL,
    last_seen_at timestamp with time zone NOT NULL
);
CREATE UNIQUE INDEX idx_ocpp_unknown_charge_points_identifier ON ocpp_unknown_charge_points (identifier);
CREATE INDEX idx_ocpp_unknown_charge_points_last_seen ON ocpp_unknown_charge_points (last_seen_at);
