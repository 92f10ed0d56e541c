package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
)

// GetCertificateStatus answers Failed: the library queries no OCSP
// responder, and a station treats Failed as "status unknown" (it may use a
// cached answer). Wrap or replace it to answer from the host's PKI.
func (v *Defaults201) GetCertificateStatus(ctx context.Context, c *Call, req ocpp201.GetCertificateStatusRequest) (ocpp201.GetCertificateStatusResponse, error) {
	return ocpp201.GetCertificateStatusResponse{
		Status:     ocpp201.GetCertificateStatusFailed,
		StatusInfo: &ocpp201.StatusInfo{ReasonCode: "NoOCSPResponder", AdditionalInfo: "this CSMS does not query OCSP responders"},
	}, nil
}
