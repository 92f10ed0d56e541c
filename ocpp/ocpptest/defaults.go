package ocpptest

import "encoding/json"

// defaultReplies are what an obliging charge point answers to each Central
// System action of OCPP 1.6 and its security extension. Each is valid
// against the official schema of the action's response.
var defaultReplies = map[string]string{
	"CancelReservation":          `{"status":"Accepted"}`,
	"ChangeAvailability":         `{"status":"Accepted"}`,
	"ChangeConfiguration":        `{"status":"Accepted"}`,
	"ClearCache":                 `{"status":"Accepted"}`,
	"ClearChargingProfile":       `{"status":"Accepted"}`,
	"DataTransfer":               `{"status":"Accepted"}`,
	"GetCompositeSchedule":       `{"status":"Rejected"}`,
	"GetConfiguration":           `{"configurationKey":[],"unknownKey":[]}`,
	"GetDiagnostics":             `{}`,
	"GetLocalListVersion":        `{"listVersion":0}`,
	"RemoteStartTransaction":     `{"status":"Accepted"}`,
	"RemoteStopTransaction":      `{"status":"Accepted"}`,
	"ReserveNow":                 `{"status":"Accepted"}`,
	"Reset":                      `{"status":"Accepted"}`,
	"SendLocalList":              `{"status":"Accepted"}`,
	"SetChargingProfile":         `{"status":"Accepted"}`,
	"TriggerMessage":             `{"status":"Accepted"}`,
	"UnlockConnector":            `{"status":"Unlocked"}`,
	"UpdateFirmware":             `{}`,
	"CertificateSigned":          `{"status":"Accepted"}`,
	"DeleteCertificate":          `{"status":"Accepted"}`,
	"ExtendedTriggerMessage":     `{"status":"Accepted"}`,
	"GetInstalledCertificateIds": `{"status":"NotFound"}`,
	"GetLog":                     `{"status":"Accepted"}`,
	"InstallCertificate":         `{"status":"Accepted"}`,
	"SignedUpdateFirmware":       `{"status":"Accepted"}`,
}

// DefaultReply returns the CALLRESULT payload a charge point without a
// handler sends for a Central System action: Accepted (Unlocked for
// UnlockConnector, empty lists for GetConfiguration, Rejected for
// GetCompositeSchedule, which needs a schedule to be accepted, NotFound
// for GetInstalledCertificateIds). Every reply is valid against the
// official OCPP 1.6 schema. It returns nil for actions it does not know.
func DefaultReply(action string) json.RawMessage {
	r, ok := defaultReplies[action]
	if !ok {
		return nil
	}
	return json.RawMessage(r)
}
