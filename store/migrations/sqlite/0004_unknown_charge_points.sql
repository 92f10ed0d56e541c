-- Identities whose handshake was refused because they are not registered
-- (store.UnknownChargePoint): the list a back office offers for adoption.

CREATE TABLE ocpp_unknown_charge_points (
    id integer PRIMARY KEY AUTOINCREMENT,
    identifier text NOT NULL,
    remote_addr text,
    attempts integer NOT NULL DEFAULT 1,
    first_seen_at datetime NOT NULL,
    last_seen_at datetime NOT NULL
);
CREATE UNIQUE INDEX idx_ocpp_unknown_charge_points_identifier ON ocpp_unknown_charge_points (identifier);
CREATE INDEX idx_ocpp_unknown_charge_points_last_seen ON ocpp_unknown_charge_points (last_seen_at);
