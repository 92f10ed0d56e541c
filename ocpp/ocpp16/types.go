package ocpp16

// IdTagInfo is the authorization status of an identifier, as the Central
// System sees it.
//
// Schema: AuthorizeResponse.json.
type IdTagInfo struct {
	Status      AuthorizationStatus `json:"status" ocpp:"required"`
	ExpiryDate  *DateTime           `json:"expiryDate,omitempty"`
	ParentIdTag string              `json:"parentIdTag,omitempty" ocpp:"max=20"`
}

// Validate checks v against its schema constraints; see [Message].
func (v IdTagInfo) Validate() error { return validate(&v) }

// openObject marks IdTagInfo as open: its schema does not forbid additional
// properties, so the decoder ignores unknown ones in both modes.
func (IdTagInfo) openObject() {}

// CertificateHashData identifies a certificate by the hashes of its issuer and
// its serial number.
//
// Schema: DeleteCertificate.json (no additional properties allowed).
type CertificateHashData struct {
	HashAlgorithm  HashAlgorithm `json:"hashAlgorithm" ocpp:"required"`
	IssuerNameHash string        `json:"issuerNameHash" ocpp:"required,max=128"`
	IssuerKeyHash  string        `json:"issuerKeyHash" ocpp:"required,max=128"`
	SerialNumber   string        `json:"serialNumber" ocpp:"required,max=40"`
}

// Validate checks v against its schema constraints; see [Message].
func (v CertificateHashData) Validate() error { return validate(&v) }

// ChargingSchedulePeriod is one limit of a ChargingSchedule, starting
// StartPeriod seconds after the schedule start.
//
// Schema: GetCompositeScheduleResponse.json.
type ChargingSchedulePeriod struct {
	StartPeriod  int     `json:"startPeriod" ocpp:"required"`
	Limit        float64 `json:"limit" ocpp:"required,multipleof=0.1"`
	NumberPhases *int    `json:"numberPhases,omitempty"`
}

// Validate checks v against its schema constraints; see [Message].
func (v ChargingSchedulePeriod) Validate() error { return validate(&v) }

// openObject marks ChargingSchedulePeriod as open: its schema does not forbid
// additional properties, so the decoder ignores unknown ones in both modes.
func (ChargingSchedulePeriod) openObject() {}

// ChargingSchedule is a list of power or current limits over time.
//
// Schema: GetCompositeScheduleResponse.json.
type ChargingSchedule struct {
	Duration               *int                     `json:"duration,omitempty"`
	StartSchedule          *DateTime                `json:"startSchedule,omitempty"`
	ChargingRateUnit       ChargingRateUnit         `json:"chargingRateUnit" ocpp:"required"`
	ChargingSchedulePeriod []ChargingSchedulePeriod `json:"chargingSchedulePeriod" ocpp:"required"`
	MinChargingRate        *float64                 `json:"minChargingRate,omitempty" ocpp:"multipleof=0.1"`
}

// Validate checks v against its schema constraints; see [Message].
func (v ChargingSchedule) Validate() error { return validate(&v) }

// openObject marks ChargingSchedule as open: its schema does not forbid
// additional properties, so the decoder ignores unknown ones in both modes.
func (ChargingSchedule) openObject() {}

// KeyValue is one configuration key of a GetConfiguration response.
//
// Schema: GetConfigurationResponse.json.
type KeyValue struct {
	Key      string `json:"key" ocpp:"required,max=50"`
	Readonly bool   `json:"readonly" ocpp:"required"`
	Value    string `json:"value,omitempty" ocpp:"max=1000"`
}

// Validate checks v against its schema constraints; see [Message].
func (v KeyValue) Validate() error { return validate(&v) }

// openObject marks KeyValue as open: its schema does not forbid additional
// properties, so the decoder ignores unknown ones in both modes.
func (KeyValue) openObject() {}

// LogParameters says where a log is uploaded and which period it covers.
//
// Schema: GetLog.json (no additional properties allowed).
type LogParameters struct {
	RemoteLocation  string    `json:"remoteLocation" ocpp:"required,max=512"`
	OldestTimestamp *DateTime `json:"oldestTimestamp,omitempty"`
	LatestTimestamp *DateTime `json:"latestTimestamp,omitempty"`
}

// Validate checks v against its schema constraints; see [Message].
func (v LogParameters) Validate() error { return validate(&v) }

// SampledValue is one measured value. Empty enum fields take the defaults of
// the specification: context Sample.Periodic, format Raw, measurand
// Energy.Active.Import.Register, location Outlet, unit Wh.
//
// Schema: MeterValues.json.
type SampledValue struct {
	Value     string         `json:"value" ocpp:"required"`
	Context   ReadingContext `json:"context,omitempty" ocpp:"loose"`
	Format    ValueFormat    `json:"format,omitempty" ocpp:"loose"`
	Measurand Measurand      `json:"measurand,omitempty" ocpp:"loose"`
	Phase     Phase          `json:"phase,omitempty" ocpp:"loose"`
	Location  Location       `json:"location,omitempty" ocpp:"loose"`
	Unit      UnitOfMeasure  `json:"unit,omitempty" ocpp:"loose"`
}

// Validate checks v against its schema constraints; see [Message].
func (v SampledValue) Validate() error { return validate(&v) }

// openObject marks SampledValue as open: its schema does not forbid additional
// properties, so the decoder ignores unknown ones in both modes.
func (SampledValue) openObject() {}

// MeterValue is a set of sampled values taken at one point in time.
//
// Schema: MeterValues.json.
type MeterValue struct {
	Timestamp    DateTime       `json:"timestamp" ocpp:"required"`
	SampledValue []SampledValue `json:"sampledValue" ocpp:"required"`
}

// Validate checks v against its schema constraints; see [Message].
func (v MeterValue) Validate() error { return validate(&v) }

// openObject marks MeterValue as open: its schema does not forbid additional
// properties, so the decoder ignores unknown ones in both modes.
func (MeterValue) openObject() {}

// ChargingProfile is a charging profile (the csChargingProfiles of
// SetChargingProfile, the chargingProfile of RemoteStartTransaction).
//
// Schema: RemoteStartTransaction.json.
type ChargingProfile struct {
	ChargingProfileId      int                    `json:"chargingProfileId" ocpp:"required"`
	TransactionId          *int                   `json:"transactionId,omitempty"`
	StackLevel             int                    `json:"stackLevel" ocpp:"required"`
	ChargingProfilePurpose ChargingProfilePurpose `json:"chargingProfilePurpose" ocpp:"required"`
	ChargingProfileKind    ChargingProfileKind    `json:"chargingProfileKind" ocpp:"required"`
	RecurrencyKind         RecurrencyKind         `json:"recurrencyKind,omitempty"`
	ValidFrom              *DateTime              `json:"validFrom,omitempty"`
	ValidTo                *DateTime              `json:"validTo,omitempty"`
	ChargingSchedule       ChargingSchedule       `json:"chargingSchedule" ocpp:"required"`
}

// Validate checks v against its schema constraints; see [Message].
func (v ChargingProfile) Validate() error { return validate(&v) }

// openObject marks ChargingProfile as open: its schema does not forbid
// additional properties, so the decoder ignores unknown ones in both modes.
func (ChargingProfile) openObject() {}

// AuthorizationData is one entry of the local authorization list.
//
// Schema: SendLocalList.json.
type AuthorizationData struct {
	IdTag     string     `json:"idTag" ocpp:"required,max=20"`
	IdTagInfo *IdTagInfo `json:"idTagInfo,omitempty"`
}

// Validate checks v against its schema constraints; see [Message].
func (v AuthorizationData) Validate() error { return validate(&v) }

// openObject marks AuthorizationData as open: its schema does not forbid
// additional properties, so the decoder ignores unknown ones in both modes.
func (AuthorizationData) openObject() {}

// Firmware describes a signed firmware image for SignedUpdateFirmware.
//
// Schema: SignedUpdateFirmware.json (no additional properties allowed).
type Firmware struct {
	Location           string    `json:"location" ocpp:"required,max=512"`
	RetrieveDateTime   DateTime  `json:"retrieveDateTime" ocpp:"required"`
	InstallDateTime    *DateTime `json:"installDateTime,omitempty"`
	SigningCertificate string    `json:"signingCertificate" ocpp:"required,max=5500"`
	Signature          string    `json:"signature" ocpp:"required,max=800"`
}

// Validate checks v against its schema constraints; see [Message].
func (v Firmware) Validate() error { return validate(&v) }
