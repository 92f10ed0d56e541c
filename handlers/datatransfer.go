package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
)

// VendorHandler handles the DataTransfer messages of one vendorId.
type VendorHandler interface {
	DataTransfer(ctx context.Context, c *Call, req ocpp16.DataTransferRequest) (ocpp16.DataTransferResponse, error)
}

// VendorFunc adapts a function to VendorHandler.
type VendorFunc func(ctx context.Context, c *Call, req ocpp16.DataTransferRequest) (ocpp16.DataTransferResponse, error)

// DataTransfer calls f.
func (f VendorFunc) DataTransfer(ctx context.Context, c *Call, req ocpp16.DataTransferRequest) (ocpp16.DataTransferResponse, error) {
	return f(ctx, c, req)
}

// HandleVendor routes the DataTransfer messages whose vendorId is vendorID
// to h.
func (d *Defaults) HandleVendor(vendorID string, h VendorHandler) {
	d.vendorsMu.Lock()
	defer d.vendorsMu.Unlock()
	d.vendors[vendorID] = h
}

// DataTransfer routes the message to the VendorHandler registered for its
// vendorId, and answers UnknownVendorId when there is none.
func (d *Defaults) DataTransfer(ctx context.Context, c *Call, req ocpp16.DataTransferRequest) (ocpp16.DataTransferResponse, error) {
	d.vendorsMu.RLock()
	h, ok := d.vendors[req.VendorId]
	d.vendorsMu.RUnlock()
	if !ok {
		return ocpp16.DataTransferResponse{Status: ocpp16.DataTransferStatusUnknownVendorId}, nil
	}
	return h.DataTransfer(ctx, c, req)
}
