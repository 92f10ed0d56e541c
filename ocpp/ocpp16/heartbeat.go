package ocpp16

// HeartbeatRequest tells the Central System the charge point is alive and asks
// for the current time (Core profile; charge point → Central System). Schema:
// Heartbeat.json.
type HeartbeatRequest struct {
}

// HeartbeatResponse answers a HeartbeatRequest.
// Schema: HeartbeatResponse.json.
type HeartbeatResponse struct {
	CurrentTime DateTime `json:"currentTime" ocpp:"required"`
}

// Action returns ActionHeartbeat.
func (HeartbeatRequest) Action() string { return ActionHeartbeat }

// Action returns ActionHeartbeat.
func (HeartbeatResponse) Action() string { return ActionHeartbeat }

// Validate checks r against every constraint of Heartbeat.json; see [Message].
func (r HeartbeatRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of HeartbeatResponse.json; see [Message].
// A present currentTime with a four-digit year is all the schema asks: that
// case (every response the default handler makes) is checked here without
// the reflective validator, which cost a tenth of a heartbeat's CPU outside
// the socket; anything else goes to it for the precise error.
func (r HeartbeatResponse) Validate() error {
	if t := r.CurrentTime.Time; !t.IsZero() {
		if y := t.UTC().Year(); y >= 0 && y <= 9999 {
			return nil
		}
	}
	return validate(&r)
}

// AppendJSON appends the JSON encoding of r to b: the bytes json.Marshal
// writes, without its reflection (Heartbeat is the most frequent message;
// handlers.Registry encodes responses that have this method with it).
func (r HeartbeatResponse) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"currentTime":`...)
	b, err := r.CurrentTime.AppendJSON(b)
	if err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}
