package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
)

// DataTransfer routes the message to the VendorHandler201 registered for
// its vendorId (HandleVendor), and answers UnknownVendorId when there is
// none.
func (v *Defaults201) DataTransfer(ctx context.Context, c *Call, req ocpp201.DataTransferRequest) (ocpp201.DataTransferResponse, error) {
	v.vendorMu.RLock()
	h, ok := v.vendors[req.VendorId]
	v.vendorMu.RUnlock()
	if !ok {
		return ocpp201.DataTransferResponse{Status: ocpp201.DataTransferStatusUnknownVendorId}, nil
	}
	return h.DataTransfer(ctx, c, req)
}
