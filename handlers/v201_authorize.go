package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
)

// Authorize answers with the Authorizer's verdict on the idToken (value and
// type), as for a 1.6 idTag. A certificate or ISO 15118 certificate hash
// data in the request is not checked: the answer carries no
// certificateStatus (wrap the handler to validate them).
func (v *Defaults201) Authorize(ctx context.Context, c *Call, req ocpp201.AuthorizeRequest) (ocpp201.AuthorizeResponse, error) {
	info, err := v.d.authorize201(ctx, c, req.IdToken)
	if err != nil {
		return ocpp201.AuthorizeResponse{}, err
	}
	return ocpp201.AuthorizeResponse{IdTokenInfo: info}, nil
}
