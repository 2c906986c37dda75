//go:build tools

// Package tools pins the Training Operator so `go build github.com/kubeflow/training-operator/cmd/training-operator.v1`
// resolves in this module.
package tools

import _ "github.com/kubeflow/training-operator/cmd/training-operator.v1"
