package ocpp16

// CertificateSignedRequest delivers the certificate chain signed in answer to
// a SignCertificate request (Security profile; Central System → charge point).
// Schema: CertificateSigned.json.
type CertificateSignedRequest struct {
	CertificateChain string `json:"certificateChain" ocpp:"required,max=10000"`
}

// CertificateSignedResponse answers a CertificateSignedRequest.
// Schema: CertificateSignedResponse.json.
type CertificateSignedResponse struct {
	Status CertificateSignedStatus `json:"status" ocpp:"required"`
}

// Action returns ActionCertificateSigned.
func (CertificateSignedRequest) Action() string { return ActionCertificateSigned }

// Action returns ActionCertificateSigned.
func (CertificateSignedResponse) Action() string { return ActionCertificateSigned }

// Validate checks r against every constraint of CertificateSigned.json; see [Message].
func (r CertificateSignedRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of CertificateSignedResponse.json; see [Message].
func (r CertificateSignedResponse) Validate() error { return validate(&r) }
