-- OCPP 2.0.1 beside 1.6: the version a charge point speaks.
--
-- ocpp_version is the OCPP-J version of the charge point's last connection
-- ("ocpp1.6" or "ocpp2.0.1"; empty until it first connects). Every charge
-- point that connected before this migration spoke 1.6, the only version
-- there was.

ALTER TABLE ocpp_charge_points ADD COLUMN ocpp_version character varying(20) NOT NULL DEFAULT '';
UPDATE ocpp_charge_points SET ocpp_version = 'ocpp1.6' WHERE connected_at IS NOT NULL;
