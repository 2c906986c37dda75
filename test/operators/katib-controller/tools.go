//go:build tools

// Package tools pins katib-controller so `go build github.com/kubeflow/katib/cmd/katib-controller/v1beta1`
// resolves in this module (`go install` would name the binary v1beta1, like db-manager and goptuna).
package tools

import _ "github.com/kubeflow/katib/cmd/katib-controller/v1beta1"
