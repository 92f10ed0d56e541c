package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
)

// Get15118EVCertificate answers NotSupported: installing an ISO 15118
// contract certificate needs a contract certificate provider (a mobility
// operator's PKI) the library does not have, and its answer must carry the
// provider's EXI response. The request is published on
// charge_point_<id>_notifications; replace the handler (handlers.On) to
// forward it to the host's provider.
func (v *Defaults201) Get15118EVCertificate(ctx context.Context, c *Call, req ocpp201.Get15118EVCertificateRequest) (ocpp201.Get15118EVCertificateResponse, error) {
	v.notify(c, req)
	return ocpp201.Get15118EVCertificateResponse{}, ocpp.NewError(ocpp.NotSupported, "no ISO 15118 contract certificate provider is configured")
}
