package ocpp16

// InstallCertificateRequest installs a root certificate (Security profile;
// Central System → charge point). Schema: InstallCertificate.json.
type InstallCertificateRequest struct {
	CertificateType CertificateUse `json:"certificateType" ocpp:"required"`
	Certificate     string         `json:"certificate" ocpp:"required,max=5500"`
}

// InstallCertificateResponse answers a InstallCertificateRequest.
// Schema: InstallCertificateResponse.json.
type InstallCertificateResponse struct {
	Status InstallCertificateStatus `json:"status" ocpp:"required"`
}

// Action returns ActionInstallCertificate.
func (InstallCertificateRequest) Action() string { return ActionInstallCertificate }

// Action returns ActionInstallCertificate.
func (InstallCertificateResponse) Action() string { return ActionInstallCertificate }

// Validate checks r against every constraint of InstallCertificate.json; see [Message].
func (r InstallCertificateRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of InstallCertificateResponse.json; see [Message].
func (r InstallCertificateResponse) Validate() error { return validate(&r) }
