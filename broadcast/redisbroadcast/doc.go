// Package redisbroadcast is a broadcast.Broadcaster over Redis pub/sub, for
// CSMS nodes behind a load balancer: what one node publishes reaches the
// subscribers of every node.
//
// It takes the host's own client and starts nothing until the first
// Subscribe:
//
//	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
//	b := redisbroadcast.New(rdb, redisbroadcast.Config{Prefix: "myapp:ocpp:"})
//	defer b.Close()
//
// Each topic is the Redis channel Prefix+topic. Publish is one round trip:
// a small script INCRements the key Prefix+"seq" and PUBLISHes
// {"id":"<n>","time":"…","data":…}, so message ids are decimal numbers
// increasing across all nodes sharing a prefix. A Broadcaster holds one
// Redis connection for all its subscriptions: it SUBSCRIBEs to a channel
// when the first local subscriber of a topic arrives and UNSUBSCRIBEs when
// the last one leaves, so a node receives only the topics it watches.
// Subscribe returns once Redis has confirmed the subscription.
//
// Delivery is at most once, like Redis pub/sub itself: messages published
// while the connection is being re-established are lost, and a local
// subscriber whose buffer is full drops messages (see Dropped).
package redisbroadcast
