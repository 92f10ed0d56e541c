// Package ocpp16 holds the messages of OCPP 1.6J: every action of the core
// profile, of the FirmwareManagement, LocalAuthListManagement, Reservation,
// SmartCharging and RemoteTrigger profiles, and of the security extension
// (OCPP 1.6 Security Whitepaper edition 3), with a decoder that validates a
// payload against the official JSON schemas in the same pass.
//
// # Naming
//
// Each action has one file holding <Action>Request and <Action>Response
// side by side, and a constant Action<Action> ("BootNotification"). Field
// names are the JSON names with an upper-case first letter (ConnectorId,
// IdTag, VendorId), so they match the specification text. Optional strings
// are plain strings with omitempty; optional numbers, booleans, times and
// objects are pointers; required arrays and objects are values. Enums are
// typed strings with constants <Type><Value>, dots and hyphens dropped
// (MeasurandEnergyActiveImportRegister, UnitOfMeasureKWh, PhaseL1N); each
// has a Valid method. The schema constraints of every field are struct tags
// (see decode.go), the single source for both [Unmarshal] and Validate.
//
// [NewRequest] and [NewResponse] return a zero message for an action name;
// [ChargePointActions] and [CentralSystemActions] list the actions by the
// side that calls them (DataTransfer is in both).
//
// # Decoding
//
// [Unmarshal] decodes a payload and validates it in one pass, returning an
// *ocpp.Error whose code is the one OCPP-J prescribes for the CALLERROR
// (FormationViolation, OccurenceConstraintViolation, TypeConstraintViolation,
// PropertyConstraintViolation). It detects absence, not zero values: a
// present "connectorId": 0 is valid, an absent one is an
// OccurenceConstraintViolation. Metadata is computed by reflection once per
// type and cached, so a Heartbeat decodes with no allocation and a
// MeterValues with only those of its result.
//
// Nested objects of the core schemas (idTagInfo, meterValue, sampledValue,
// chargingProfile…) do not say additionalProperties: false, unlike every
// top-level object and the security extension's objects; the decoder follows
// the schemas and ignores unknown properties there in both modes.
//
// # Modes
//
// [Strict], the zero value, applies the schemas as published, plus the OCPP
// rule that integers are 32-bit. [Tolerant] is the vendor-quirk policy for
// charge points in the field; it accepts exactly these deviations:
//
//	Deviation                              Strict                        Tolerant
//	unknown property                       FormationViolation            ignored
//	number sent as a string ("12", "1.5")  TypeConstraintViolation       accepted
//	integral decimal for an integer (12.0) TypeConstraintViolation       accepted as 12
//	integer outside 32 bits                PropertyConstraintViolation   accepted if a Go int holds it
//	string longer than maxLength           PropertyConstraintViolation   truncated to maxLength characters
//	unknown SampledValue measurand, unit,  PropertyConstraintViolation   kept verbatim
//	  context, location, phase or format
//	timestamp without a time zone          PropertyConstraintViolation   taken as UTC
//	null for a property                    TypeConstraintViolation       treated as absent
//	duplicate property                     FormationViolation            the last one wins
//
// Every other constraint applies in both modes: unknown values of all other
// enums, fractional numbers for integers, malformed timestamps, missing
// required properties.
//
// # Times
//
// [DateTime] marshals as UTC with milliseconds ("2024-05-01T12:00:00.000Z")
// and unmarshals any RFC 3339 date-time. Its UnmarshalJSON, used by
// encoding/json, always requires the time zone; only Unmarshal in Tolerant
// mode takes zone-less timestamps, as UTC.
//
// # Validate and the deviations from the schemas
//
// Validate (see [Message]) checks a Go value before it is sent; there an
// empty required string counts as missing (except ChangeConfiguration.value).
// Three schema properties of type "number" are ints here, because they count
// seconds or retries: BootNotificationResponse.interval and
// UpdateFirmware.retries and retryInterval; Unmarshal accepts integral
// decimals for them in both modes and rejects fractions with
// PropertyConstraintViolation. StartTransactionRequest has a TransactionId
// because the published StartTransaction.json lists one.
package ocpp16
