-- One row per reading: a station that resends a MeterValues whose answer it
-- lost, or a group commit retried after a connection broke during COMMIT,
-- must not store a sampled value twice. A reading is identified by its charge
-- point, connector, transaction, timestamp, measurand, phase, location and
-- context; the writers insert with ON CONFLICT DO NOTHING.
--
-- The nullable parts of the key are wrapped in COALESCE (NULLs are distinct in
-- a unique index). The index leads with (charge_point_id, measurand,
-- timestamp), so it also serves what idx_ocpp_meter_values_charge_point
-- served, which goes: one index to maintain per row, as before.

-- Duplicates stored before this migration: keep the first of each reading.
DELETE FROM ocpp_meter_values WHERE id IN (
    SELECT id FROM (
        SELECT id, row_number() OVER (
            PARTITION BY charge_point_id, measurand, timestamp, connector_id, COALESCE(transaction_id, 0),
                COALESCE(phase, ''), COALESCE(location, ''), COALESCE(context, '')
            ORDER BY id) AS n
        FROM ocpp_meter_values) d
    WHERE n > 1);

CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_meter_values_reading ON ocpp_meter_values (
    charge_point_id, measurand, timestamp, connector_id, (COALESCE(transaction_id, 0)),
    (COALESCE(phase, '')), (COALESCE(location, '')), (COALESCE(context, '')));

DROP INDEX IF EXISTS idx_ocpp_meter_values_charge_point;
