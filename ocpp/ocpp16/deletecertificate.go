package ocpp16

// DeleteCertificateRequest removes an installed certificate (Security profile;
// Central System → charge point). Schema: DeleteCertificate.json.
type DeleteCertificateRequest struct {
	CertificateHashData CertificateHashData `json:"certificateHashData" ocpp:"required"`
}

// DeleteCertificateResponse answers a DeleteCertificateRequest.
// Schema: DeleteCertificateResponse.json.
type DeleteCertificateResponse struct {
	Status DeleteCertificateStatus `json:"status" ocpp:"required"`
}

// Action returns ActionDeleteCertificate.
func (DeleteCertificateRequest) Action() string { return ActionDeleteCertificate }

// Action returns ActionDeleteCertificate.
func (DeleteCertificateResponse) Action() string { return ActionDeleteCertificate }

// Validate checks r against every constraint of DeleteCertificate.json; see [Message].
func (r DeleteCertificateRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of DeleteCertificateResponse.json; see [Message].
func (r DeleteCertificateResponse) Validate() error { return validate(&r) }
