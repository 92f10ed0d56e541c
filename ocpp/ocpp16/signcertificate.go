package ocpp16

// SignCertificateRequest sends a certificate signing request for the charge
// point certificate (Security profile; charge point → Central System). Schema:
// SignCertificate.json.
type SignCertificateRequest struct {
	Csr string `json:"csr" ocpp:"required,max=5500"`
}

// SignCertificateResponse answers a SignCertificateRequest.
// Schema: SignCertificateResponse.json.
type SignCertificateResponse struct {
	Status GenericStatus `json:"status" ocpp:"required"`
}

// Action returns ActionSignCertificate.
func (SignCertificateRequest) Action() string { return ActionSignCertificate }

// Action returns ActionSignCertificate.
func (SignCertificateResponse) Action() string { return ActionSignCertificate }

// Validate checks r against every constraint of SignCertificate.json; see [Message].
func (r SignCertificateRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of SignCertificateResponse.json; see [Message].
func (r SignCertificateResponse) Validate() error { return validate(&r) }
