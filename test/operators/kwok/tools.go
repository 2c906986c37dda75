//go:build tools

// Package tools pins kwok so `go build sigs.k8s.io/kwok/cmd/kwok` resolves in this module.
package tools

import _ "sigs.k8s.io/kwok/cmd/kwok"
