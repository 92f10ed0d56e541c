package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/v16"
)

// Authorize answers with the Authorizer's verdict on the id tag.
func (d *Defaults) Authorize(ctx context.Context, c *Call, req v16.AuthorizeRequest) (v16.AuthorizeResponse, error) {
	info, err := d.authorizer.Authorize(ctx, c.ChargePoint, req.IdTag)
	if err != nil {
		return v16.AuthorizeResponse{}, err
	}
	return v16.AuthorizeResponse{IdTagInfo: info}, nil
}
