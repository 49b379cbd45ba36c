package main

import (
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRunRejectsBadFlags(t *testing.T) {
	assert.ErrorContains(t, run([]string{"-dir", t.TempDir() + "/missing"}), "is not a folder")
	assert.ErrorContains(t, run([]string{"-dir", t.TempDir(), "-api-prefix", "/"}), "-api-prefix")
	assert.ErrorContains(t, run([]string{"-dir", t.TempDir(), "extra"}), "unexpected arguments")
}

func TestDisplayHost(t *testing.T) {
	assert.Equal(t, "127.0.0.1:8080", displayHost(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}))
	assert.Equal(t, "localhost:8080", displayHost(&net.TCPAddr{IP: net.IPv4zero, Port: 8080}))
	assert.Equal(t, "localhost:9000", displayHost(&net.TCPAddr{IP: net.IPv6unspecified, Port: 9000}))
	assert.Equal(t, "[::1]:9000", displayHost(&net.TCPAddr{IP: net.IPv6loopback, Port: 9000}))
}
