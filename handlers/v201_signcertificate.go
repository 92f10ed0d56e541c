package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
)

// SignCertificate answers a station's certificate signing request as for
// 1.6: without a Signer (DefaultsConfig.Signer) or a Sender it answers
// Rejected; otherwise Accepted, then the CSR is signed in the background
// and the chain sent with a 2.0.1 CertificateSigned of the requested
// certificateType (ChargingStationCertificate or V2GCertificate).
func (v *Defaults201) SignCertificate(ctx context.Context, c *Call, req ocpp201.SignCertificateRequest) (ocpp201.SignCertificateResponse, error) {
	ok := v.d.signing.start(c, req.Csr, func(chain string) ocpp.Request {
		return ocpp201.CertificateSignedRequest{CertificateChain: chain, CertificateType: req.CertificateType}
	})
	if !ok {
		return ocpp201.SignCertificateResponse{Status: ocpp201.GenericStatusRejected}, nil
	}
	return ocpp201.SignCertificateResponse{Status: ocpp201.GenericStatusAccepted}, nil
}
