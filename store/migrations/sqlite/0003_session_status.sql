-- A running session's status follows its connector (Preparing, Charging,
-- SuspendedEV, SuspendedEVSE, Finishing) instead of the single value
-- 'Active'; a stopped one stays 'Completed'. Running sessions take their
-- connector's status when it is one of those, else 'Charging'. The
-- column's default stays 'Active', which the code still counts as running.

UPDATE ocpp_charging_sessions
SET status = COALESCE((
        SELECT c.status FROM ocpp_connectors c
        WHERE c.charge_point_id = ocpp_charging_sessions.charge_point_id
          AND c.connector_id = ocpp_charging_sessions.connector_id
          AND c.status IN ('Preparing', 'Charging', 'SuspendedEV', 'SuspendedEVSE', 'Finishing')
    ), 'Charging')
WHERE status = 'Active';
