package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
)

// Authorize answers with the Authorizer's verdict on the id tag.
func (d *Defaults) Authorize(ctx context.Context, c *Call, req ocpp16.AuthorizeRequest) (ocpp16.AuthorizeResponse, error) {
	info, err := d.authorize16(ctx, c, req.IdTag)
	if err != nil {
		return ocpp16.AuthorizeResponse{}, err
	}
	return ocpp16.AuthorizeResponse{IdTagInfo: info}, nil
}
