// Package payload is the version-independent engine behind ocpp/ocpp16 and
// ocpp/ocpp201: a validating JSON decoder for OCPP payloads and a validator
// for Go values, both driven by the ocpp struct tags of the message types
// (see meta.go). Each version package makes one Codec that knows its enums
// and open objects, and wraps Unmarshal and Validate in its own API.
//
// Errors carry the canonical (OCPP 1.6) spelling of the OCPP-J error codes;
// the transport spells them for the connection's version (see
// ocpp.ErrorCode.For).
package payload
