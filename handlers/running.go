package handlers

// Running reports whether the background work NewDefaults started (event
// publishing, heartbeat batching, the meter writer it owns) still runs:
// false once Close has stopped it.
func (d *Defaults) Running() bool {
	done := []chan struct{}{d.heartbeats.done}
	if d.publisher.b != nil { // without a Broadcaster, no goroutine publishes
		done = append(done, d.publisher.done)
	}
	for _, ch := range done {
		select {
		case <-ch:
			return false
		default:
		}
	}
	return !d.ownMeter || d.meter.Running()
}
