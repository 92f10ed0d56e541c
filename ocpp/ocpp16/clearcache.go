package ocpp16

// ClearCacheRequest clears the charge point's authorization cache (Core
// profile; Central System → charge point). Schema: ClearCache.json.
type ClearCacheRequest struct {
}

// ClearCacheResponse answers a ClearCacheRequest.
// Schema: ClearCacheResponse.json.
type ClearCacheResponse struct {
	Status ClearCacheStatus `json:"status" ocpp:"required"`
}

// Action returns ActionClearCache.
func (ClearCacheRequest) Action() string { return ActionClearCache }

// Action returns ActionClearCache.
func (ClearCacheResponse) Action() string { return ActionClearCache }

// Validate checks r against every constraint of ClearCache.json; see [Message].
func (r ClearCacheRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of ClearCacheResponse.json; see [Message].
func (r ClearCacheResponse) Validate() error { return validate(&r) }
