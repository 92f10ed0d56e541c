package broadcast

import "time"

// CoalesceWithTimers is Coalesce with the test's timers instead of
// time.AfterFunc.
func CoalesceWithTimers(b Broadcaster, interval time.Duration, after func(time.Duration, func()) func() bool) *Coalescer {
	return coalesce(b, interval, after)
}
