package ollamatest

import (
	"net"
	"testing"
)

// ClosedHost returns a loopback host:port where nothing listens (a port
// just opened and closed again), for tests of an unreachable server.
func ClosedHost(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
