package gen

// What the schemas do not say, or say at length: who sends each action, its
// functional block, and one line of our own words per action and object.

// direction says which side sends an action's CALL.
type direction int

const (
	fromStation direction = iota // charging station → CSMS
	fromCSMS                     // CSMS → charging station
	fromBoth                     // either side
)

func (d direction) String() string {
	switch d {
	case fromStation:
		return "charging station → CSMS"
	case fromCSMS:
		return "CSMS → charging station"
	}
	return "either direction"
}

// blocks are the functional blocks of OCPP 2.0.1 part 2, by letter.
var blocks = map[byte]string{
	'A': "Security",
	'B': "Provisioning",
	'C': "Authorization",
	'D': "LocalAuthorizationListManagement",
	'E': "Transactions",
	'F': "RemoteControl",
	'G': "Availability",
	'H': "Reservation",
	'I': "TariffAndCost",
	'J': "MeterValues",
	'K': "SmartCharging",
	'L': "FirmwareManagement",
	'M': "ISO15118CertificateManagement",
	'N': "Diagnostics",
	'O': "DisplayMessage",
	'P': "DataTransfer",
}

// actionInfo is what the generator knows about an action beyond its schemas.
type actionInfo struct {
	block   byte
	dir     direction
	summary string // completes "<Action>Request …"
}

var actionInfos = map[string]actionInfo{
	"Authorize":                         {'C', fromStation, "asks whether an idToken may start or stop charging, optionally with the data to check an ISO 15118 contract certificate"},
	"BootNotification":                  {'B', fromStation, "registers a charging station after it (re)booted, with the reason and its hardware and firmware"},
	"CancelReservation":                 {'H', fromCSMS, "cancels a reservation"},
	"CertificateSigned":                 {'A', fromCSMS, "delivers the certificate chain the CSMS had signed after a SignCertificate"},
	"ChangeAvailability":                {'G', fromCSMS, "makes the station, an EVSE or a connector operative or inoperative"},
	"ClearCache":                        {'C', fromCSMS, "empties the station's authorization cache"},
	"ClearChargingProfile":              {'K', fromCSMS, "removes the charging profiles that match an id or criteria"},
	"ClearDisplayMessage":               {'O', fromCSMS, "removes a display message by id"},
	"ClearVariableMonitoring":           {'N', fromCSMS, "removes variable monitors by id"},
	"ClearedChargingLimit":              {'K', fromStation, "reports that an external charging limit no longer applies"},
	"CostUpdated":                       {'I', fromCSMS, "tells the station the running cost of a transaction"},
	"CustomerInformation":               {'N', fromCSMS, "asks for, or asks to clear, the data the station holds about a customer"},
	"DataTransfer":                      {'P', fromBoth, "carries vendor-specific data not covered by the protocol"},
	"DeleteCertificate":                 {'M', fromCSMS, "deletes an installed certificate"},
	"FirmwareStatusNotification":        {'L', fromStation, "reports the progress of a firmware update"},
	"Get15118EVCertificate":             {'M', fromStation, "relays an EV's request to install or update its ISO 15118 contract certificate"},
	"GetBaseReport":                     {'B', fromCSMS, "asks for one of the predefined device model reports, delivered by NotifyReport"},
	"GetCertificateStatus":              {'M', fromStation, "asks the CSMS for the OCSP status of a certificate"},
	"GetChargingProfiles":               {'K', fromCSMS, "asks for the installed charging profiles that match criteria, delivered by ReportChargingProfiles"},
	"GetCompositeSchedule":              {'K', fromCSMS, "asks for the schedule that results from all profiles on an EVSE for a duration"},
	"GetDisplayMessages":                {'O', fromCSMS, "asks for the configured display messages, delivered by NotifyDisplayMessages"},
	"GetInstalledCertificateIds":        {'M', fromCSMS, "asks which certificates of the given kinds are installed"},
	"GetLocalListVersion":               {'D', fromCSMS, "asks for the version of the local authorization list"},
	"GetLog":                            {'N', fromCSMS, "asks the station to upload a diagnostics or security log"},
	"GetMonitoringReport":               {'N', fromCSMS, "asks for the configured monitors, delivered by NotifyMonitoringReport"},
	"GetReport":                         {'B', fromCSMS, "asks for a device model report filtered by components, variables or criteria"},
	"GetTransactionStatus":              {'E', fromCSMS, "asks whether a transaction is ongoing and messages for it are queued"},
	"GetVariables":                      {'B', fromCSMS, "reads device model variables"},
	"Heartbeat":                         {'G', fromStation, "tells the CSMS the station is alive and asks for the time"},
	"InstallCertificate":                {'M', fromCSMS, "installs a root or manufacturer certificate"},
	"LogStatusNotification":             {'N', fromStation, "reports the progress of a log upload"},
	"MeterValues":                       {'J', fromStation, "reports sampled meter values outside a transaction"},
	"NotifyChargingLimit":               {'K', fromStation, "reports a charging limit set by an external system"},
	"NotifyCustomerInformation":         {'N', fromStation, "delivers customer data requested by CustomerInformation, in parts"},
	"NotifyDisplayMessages":             {'O', fromStation, "delivers the display messages requested by GetDisplayMessages, in parts"},
	"NotifyEVChargingNeeds":             {'K', fromStation, "reports the charging needs an EV stated over ISO 15118"},
	"NotifyEVChargingSchedule":          {'K', fromStation, "reports the charging schedule an EV chose over ISO 15118"},
	"NotifyEvent":                       {'N', fromStation, "reports events and monitor triggers of device model variables, in parts"},
	"NotifyMonitoringReport":            {'N', fromStation, "delivers the monitors requested by GetMonitoringReport, in parts"},
	"NotifyReport":                      {'B', fromStation, "delivers a device model report requested by GetBaseReport or GetReport, in parts"},
	"PublishFirmware":                   {'L', fromCSMS, "asks a local controller to publish a firmware image to the stations behind it"},
	"PublishFirmwareStatusNotification": {'L', fromStation, "reports the progress of a PublishFirmware"},
	"ReportChargingProfiles":            {'K', fromStation, "delivers the charging profiles requested by GetChargingProfiles, in parts"},
	"RequestStartTransaction":           {'F', fromCSMS, "asks the station to start a transaction for an idToken"},
	"RequestStopTransaction":            {'F', fromCSMS, "asks the station to stop a transaction"},
	"ReservationStatusUpdate":           {'H', fromStation, "reports that a reservation expired or was removed"},
	"ReserveNow":                        {'H', fromCSMS, "reserves an EVSE or connector type for an idToken until a time"},
	"Reset":                             {'B', fromCSMS, "restarts the station or an EVSE, now or when idle"},
	"SecurityEventNotification":         {'A', fromStation, "reports a security event"},
	"SendLocalList":                     {'D', fromCSMS, "replaces or updates the local authorization list"},
	"SetChargingProfile":                {'K', fromCSMS, "installs a charging profile on an EVSE"},
	"SetDisplayMessage":                 {'O', fromCSMS, "configures a message for the station's display"},
	"SetMonitoringBase":                 {'N', fromCSMS, "activates one of the predefined sets of monitors"},
	"SetMonitoringLevel":                {'N', fromCSMS, "sets the severity below which monitor events are not reported"},
	"SetNetworkProfile":                 {'B', fromCSMS, "stores a connection profile (CSMS URL, security profile, transport) in a slot"},
	"SetVariableMonitoring":             {'N', fromCSMS, "creates or replaces monitors on device model variables"},
	"SetVariables":                      {'B', fromCSMS, "writes device model variables"},
	"SignCertificate":                   {'A', fromStation, "sends a certificate signing request for the CSMS to sign"},
	"StatusNotification":                {'G', fromStation, "reports the status of a connector"},
	"TransactionEvent":                  {'E', fromStation, "reports that a transaction started, changed or ended, with meter values"},
	"TriggerMessage":                    {'F', fromCSMS, "asks the station to send one of its messages now"},
	"UnlockConnector":                   {'F', fromCSMS, "asks the station to unlock a connector's cable"},
	"UnpublishFirmware":                 {'L', fromCSMS, "asks a local controller to stop publishing a firmware image"},
	"UpdateFirmware":                    {'L', fromCSMS, "asks the station to download and install a signed firmware image"},
}

// typeDocs completes "<Type> …" for every object definition.
var typeDocs = map[string]string{
	"ACChargingParameters":     "is what an EV asks for when charging on AC over ISO 15118: energy and current and voltage limits.",
	"APN":                      "is the mobile network access point of a network connection profile.",
	"AdditionalInfo":           "is a further identifier that comes with an idToken, with its type.",
	"AuthorizationData":        "is one entry of the local authorization list.",
	"CertificateHashData":      "identifies a certificate by the hashes of its issuer name and key and its serial number.",
	"CertificateHashDataChain": "identifies an installed certificate and the certificates below it.",
	"ChargingLimit":            "says who set a charging limit and whether the grid depends on it.",
	"ChargingNeeds":            "is what an EV states it needs over ISO 15118.",
	"ChargingProfile":          "is a charging profile: limits over time with a purpose and a stack level.",
	"ChargingProfileCriterion": "selects charging profiles in GetChargingProfiles. Its schema allows unknown properties, which the decoder ignores in both modes.",
	"ChargingSchedule":         "is a list of power or current limits over time.",
	"ChargingSchedulePeriod":   "is one limit of a charging schedule, from StartPeriod seconds after the schedule starts.",
	"ChargingStation":          "describes a charging station's hardware and firmware.",
	"ClearChargingProfile":     "selects the charging profiles ClearChargingProfile removes.",
	"ClearMonitoringResult":    "is the outcome of clearing one monitor.",
	"Component":                "names a component of the device model, optionally on an EVSE.",
	"ComponentVariable":        "names a component and optionally one of its variables.",
	"CompositeSchedule":        "is the schedule that results from all charging profiles of an EVSE.",
	"ConsumptionCost":          "is the cost of energy from a consumption threshold on.",
	"Cost":                     "is one kind of cost of a tariff entry.",
	"DCChargingParameters":     "is what an EV asks for when charging on DC over ISO 15118: limits, energy and state of charge.",
	"EVSE":                     "names an EVSE and optionally one of its connectors.",
	"EventData":                "is one event of NotifyEvent: what changed on which component variable, and why.",
	"Firmware":                 "says where to download a firmware image and how to check its signature.",
	"GetVariableData":          "names one attribute of one variable to read.",
	"GetVariableResult":        "is the outcome of reading one variable attribute, with its value.",
	"IdToken":                  "is an identifier used for authorization, with the kind of identifier it is.",
	"IdTokenInfo":              "is the authorization status of an idToken and what comes with it.",
	"LogParameters":            "says where to upload a log and which period it covers.",
	"MessageContent":           "is a text with its format and language.",
	"MessageInfo":              "is a message for the station's display, with when and how to show it.",
	"MeterValue":               "is a set of sampled values taken at one time.",
	"Modem":                    "identifies the station's wireless modem and SIM.",
	"MonitoringData":           "is the monitors configured on one component variable.",
	"NetworkConnectionProfile": "is how a station connects to a CSMS: URL, transport, security profile, interface.",
	"OCSPRequestData":          "is what an OCSP responder needs to check a certificate.",
	"RelativeTimeInterval":     "is a time interval relative to the start of a schedule.",
	"ReportData":               "is one component variable of a device model report, with its attributes.",
	"SalesTariff":              "is a tariff schedule offered to an EV over ISO 15118.",
	"SalesTariffEntry":         "is one interval of a sales tariff, with its price level and costs.",
	"SampledValue":             "is one measured value with what, where and how it was measured. The default of every optional field describes an active import energy register reading in Wh.",
	"SetMonitoringData":        "is one monitor to create or replace.",
	"SetMonitoringResult":      "is the outcome of setting one monitor.",
	"SetVariableData":          "is one variable attribute to write, with its value.",
	"SetVariableResult":        "is the outcome of writing one variable attribute.",
	"SignedMeterValue":         "is a meter reading signed by the meter, with how it was signed and encoded.",
	"StatusInfo":               "explains a status with a reason code and optional details.",
	"Transaction":              "is the state of a transaction in a TransactionEvent.",
	"UnitOfMeasure":            "is the unit of a sampled value and its power of ten.",
	"VPN":                      "is the VPN a network connection profile goes through.",
	"Variable":                 "names a variable of a component.",
	"VariableAttribute":        "is one attribute (actual, target, minimum, maximum) of a variable, with its value and mutability.",
	"VariableCharacteristics":  "is the fixed description of a variable: unit, data type, limits, allowed values.",
	"VariableMonitoring":       "is one monitor configured on a variable.",
}
