package handlers

import (
	"context"
	"errors"
	"time"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
)

// Authorizer decides whether an id tag may charge. Authorize,
// StartTransaction and StopTransaction consult it. An error (not a refusal:
// a refusal is an IdTagInfo with a status other than Accepted) makes the
// call fail with InternalError, so the charge point retries.
type Authorizer interface {
	Authorize(ctx context.Context, cp *store.ChargePoint, idTag string) (ocpp16.IdTagInfo, error)
}

// AuthorizerFunc adapts a function to Authorizer.
type AuthorizerFunc func(ctx context.Context, cp *store.ChargePoint, idTag string) (ocpp16.IdTagInfo, error)

// Authorize calls f.
func (f AuthorizerFunc) Authorize(ctx context.Context, cp *store.ChargePoint, idTag string) (ocpp16.IdTagInfo, error) {
	return f(ctx, cp, idTag)
}

// StoreAuthorizer authorizes id tags from the id_tags table: a known tag
// answers its status (Expired once its expiry date has passed), an unknown
// tag Invalid unless AcceptUnknown is set (for development).
type StoreAuthorizer struct {
	Store *store.Store
	// AcceptUnknown accepts tags that are not in the table.
	AcceptUnknown bool
	// Now returns the current time. By default time.Now.
	Now func() time.Time
}

// Authorize implements Authorizer.
func (a *StoreAuthorizer) Authorize(ctx context.Context, _ *store.ChargePoint, idTag string) (ocpp16.IdTagInfo, error) {
	tag, err := a.Store.LookupIDTag(ctx, idTag)
	if errors.Is(err, store.ErrNotFound) {
		if a.AcceptUnknown {
			return ocpp16.IdTagInfo{Status: ocpp16.AuthorizationStatusAccepted}, nil
		}
		return ocpp16.IdTagInfo{Status: ocpp16.AuthorizationStatusInvalid}, nil
	}
	if err != nil {
		return ocpp16.IdTagInfo{}, err
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	info := ocpp16.IdTagInfo{Status: ocpp16.AuthorizationStatus(tag.Status), ParentIdTag: tag.ParentTag}
	if !info.Status.Valid() {
		info.Status = ocpp16.AuthorizationStatusInvalid
	}
	if tag.ExpiryDate != nil {
		exp := ocpp16.NewDateTime(*tag.ExpiryDate)
		info.ExpiryDate = &exp
		if info.Status == ocpp16.AuthorizationStatusAccepted && !now().Before(*tag.ExpiryDate) {
			info.Status = ocpp16.AuthorizationStatusExpired
		}
	}
	return info, nil
}
