package ocpp16

// GetInstalledCertificateIdsRequest lists the installed certificates of one
// type (Security profile; Central System → charge point). Schema:
// GetInstalledCertificateIds.json.
type GetInstalledCertificateIdsRequest struct {
	CertificateType CertificateUse `json:"certificateType" ocpp:"required"`
}

// GetInstalledCertificateIdsResponse answers a GetInstalledCertificateIdsRequest.
// Schema: GetInstalledCertificateIdsResponse.json.
type GetInstalledCertificateIdsResponse struct {
	CertificateHashData []CertificateHashData         `json:"certificateHashData,omitempty" ocpp:"minitems=1"`
	Status              GetInstalledCertificateStatus `json:"status" ocpp:"required"`
}

// Action returns ActionGetInstalledCertificateIds.
func (GetInstalledCertificateIdsRequest) Action() string { return ActionGetInstalledCertificateIds }

// Action returns ActionGetInstalledCertificateIds.
func (GetInstalledCertificateIdsResponse) Action() string { return ActionGetInstalledCertificateIds }

// Validate checks r against every constraint of GetInstalledCertificateIds.json; see [Message].
func (r GetInstalledCertificateIdsRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of GetInstalledCertificateIdsResponse.json; see [Message].
func (r GetInstalledCertificateIdsResponse) Validate() error { return validate(&r) }
