// Package broadcasttest is the conformance suite every broadcast.Broadcaster
// passes: the in-memory one and the multi-node adapters alike.
//
//	func TestConformance(t *testing.T) {
//		broadcasttest.Exercise(t, func(t *testing.T) broadcast.Broadcaster {
//			b := mybroadcast.New(client, mybroadcast.Config{Prefix: uniquePrefix(t)})
//			t.Cleanup(func() { b.Close() })
//			return b
//		})
//	}
//
// The suite calls newBroadcaster once per subtest and runs subtests in
// parallel, so each call must return an isolated broadcaster (its own key
// prefix or channel) whose subscriber buffers hold at least 256 messages.
// It waits on events with deadlines; it never sleeps to synchronise.
package broadcasttest
