package handlers

import (
	"context"
	"errors"
	"time"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/store"
)

// Token is what a charge point presents to be authorized, in either
// version: a 1.6 idTag (Type empty) or a 2.0.1 idToken (its value and
// type).
type Token struct {
	// Value is the idTag, or idToken.idToken: at most 20 characters on
	// 1.6, 36 on 2.0.1.
	Value string
	// Type is the 2.0.1 IdTokenEnumType: ISO14443, ISO15693, eMAID,
	// Central, KeyCode, Local, MacAddress or NoAuthorization
	// (ocpp201.IdTokenType constants). Empty for a 1.6 idTag.
	Type string
}

// The statuses of an Authorization: OCPP 1.6's AuthorizationStatus values,
// which 2.0.1 also has, then those only 2.0.1 has. A 1.6 charge point is
// answered Invalid for the 2.0.1-only ones.
const (
	AuthAccepted     = "Accepted"
	AuthBlocked      = "Blocked"
	AuthExpired      = "Expired"
	AuthInvalid      = "Invalid"
	AuthConcurrentTx = "ConcurrentTx"

	AuthNoCredit           = "NoCredit"
	AuthNotAllowedTypeEVSE = "NotAllowedTypeEVSE"
	AuthNotAtThisLocation  = "NotAtThisLocation"
	AuthNotAtThisTime      = "NotAtThisTime"
	AuthUnknown            = "Unknown"
)

// Authorization is an Authorizer's verdict on a Token, whatever the
// version: the defaults turn it into a 1.6 IdTagInfo or a 2.0.1
// IdTokenInfo (IdTagInfo, IdTokenInfo).
type Authorization struct {
	// Status is one of the Auth… constants.
	Status string
	// ExpiresAt is until when the charge point may rely on the verdict
	// (1.6 expiryDate, 2.0.1 cacheExpiryDateTime); nil: no limit.
	ExpiresAt *time.Time
	// Group is the parent id tag (1.6 parentIdTag) or group token (2.0.1
	// groupIdToken, of type Central); empty for none.
	Group string
}

// IdTagInfo returns a as OCPP 1.6 gives it.
func (a Authorization) IdTagInfo() ocpp16.IdTagInfo {
	info := ocpp16.IdTagInfo{Status: ocpp16.AuthorizationStatus(a.Status), ParentIdTag: a.Group}
	if !info.Status.Valid() {
		info.Status = ocpp16.AuthorizationStatusInvalid
	}
	if len(info.ParentIdTag) > 20 {
		info.ParentIdTag = "" // a 2.0.1 group token a 1.6 charge point cannot take
	}
	if a.ExpiresAt != nil {
		exp := ocpp16.NewDateTime(*a.ExpiresAt)
		info.ExpiryDate = &exp
	}
	return info
}

// IdTokenInfo returns a as OCPP 2.0.1 gives it.
func (a Authorization) IdTokenInfo() ocpp201.IdTokenInfo {
	info := ocpp201.IdTokenInfo{Status: ocpp201.AuthorizationStatus(a.Status)}
	if !info.Status.Valid() {
		info.Status = ocpp201.AuthorizationStatusInvalid
	}
	if a.Group != "" {
		info.GroupIdToken = &ocpp201.IdToken{IdToken: a.Group, Type: ocpp201.IdTokenTypeCentral}
	}
	if a.ExpiresAt != nil {
		exp := ocpp201.NewDateTime(*a.ExpiresAt)
		info.CacheExpiryDateTime = &exp
	}
	return info
}

// Authorizer decides whether a token may charge, for charge points of
// either version. The 1.6 Authorize, StartTransaction and StopTransaction
// and the 2.0.1 Authorize and TransactionEvent consult it. An error (not a
// refusal: a refusal is an Authorization with a status other than
// Accepted) makes the call fail with InternalError, so the charge point
// retries.
type Authorizer interface {
	Authorize(ctx context.Context, cp *store.ChargePoint, token Token) (Authorization, error)
}

// AuthorizerFunc adapts a function to Authorizer.
type AuthorizerFunc func(ctx context.Context, cp *store.ChargePoint, token Token) (Authorization, error)

// Authorize calls f.
func (f AuthorizerFunc) Authorize(ctx context.Context, cp *store.ChargePoint, token Token) (Authorization, error) {
	return f(ctx, cp, token)
}

// StoreAuthorizer authorizes tokens from the id_tags table by their value,
// whatever their type: a known tag answers its status (Expired once its
// expiry date has passed), an unknown tag Invalid unless AcceptUnknown is
// set (for development). A 2.0.1 token of type NoAuthorization (the
// station needed no authorization, e.g. free charging) is Accepted.
type StoreAuthorizer struct {
	Store *store.Store
	// AcceptUnknown accepts tags that are not in the table.
	AcceptUnknown bool
	// Now returns the current time. By default time.Now.
	Now func() time.Time
}

// Authorize implements Authorizer.
func (a *StoreAuthorizer) Authorize(ctx context.Context, _ *store.ChargePoint, token Token) (Authorization, error) {
	if token.Type == string(ocpp201.IdTokenTypeNoAuthorization) {
		return Authorization{Status: AuthAccepted}, nil
	}
	tag, err := a.Store.LookupIDTag(ctx, token.Value)
	if errors.Is(err, store.ErrNotFound) {
		if a.AcceptUnknown {
			return Authorization{Status: AuthAccepted}, nil
		}
		return Authorization{Status: AuthInvalid}, nil
	}
	if err != nil {
		return Authorization{}, err
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	auth := Authorization{Status: tag.Status, Group: tag.ParentTag, ExpiresAt: tag.ExpiryDate}
	if !ocpp201.AuthorizationStatus(auth.Status).Valid() {
		auth.Status = AuthInvalid
	}
	if tag.ExpiryDate != nil && auth.Status == AuthAccepted && !now().Before(*tag.ExpiryDate) {
		auth.Status = AuthExpired
	}
	return auth, nil
}

// authorize16 asks the Authorizer about a 1.6 idTag.
func (d *Defaults) authorize16(ctx context.Context, c *Call, idTag string) (ocpp16.IdTagInfo, error) {
	a, err := d.authorizer.Authorize(ctx, c.ChargePoint, Token{Value: idTag})
	if err != nil {
		return ocpp16.IdTagInfo{}, err
	}
	return a.IdTagInfo(), nil
}

// authorize201 asks the Authorizer about a 2.0.1 idToken.
func (d *Defaults) authorize201(ctx context.Context, c *Call, tok ocpp201.IdToken) (ocpp201.IdTokenInfo, error) {
	a, err := d.authorizer.Authorize(ctx, c.ChargePoint, Token{Value: tok.IdToken, Type: string(tok.Type)})
	if err != nil {
		return ocpp201.IdTokenInfo{}, err
	}
	return a.IdTokenInfo(), nil
}
