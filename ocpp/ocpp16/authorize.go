package ocpp16

// AuthorizeRequest asks the Central System whether an identifier may start or
// stop charging (Core profile; charge point → Central System). Schema:
// Authorize.json.
type AuthorizeRequest struct {
	IdTag string `json:"idTag" ocpp:"required,max=20"`
}

// AuthorizeResponse answers a AuthorizeRequest.
// Schema: AuthorizeResponse.json.
type AuthorizeResponse struct {
	IdTagInfo IdTagInfo `json:"idTagInfo" ocpp:"required"`
}

// Action returns ActionAuthorize.
func (AuthorizeRequest) Action() string { return ActionAuthorize }

// Action returns ActionAuthorize.
func (AuthorizeResponse) Action() string { return ActionAuthorize }

// Validate checks r against every constraint of Authorize.json; see [Message].
func (r AuthorizeRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of AuthorizeResponse.json; see [Message].
func (r AuthorizeResponse) Validate() error { return validate(&r) }
