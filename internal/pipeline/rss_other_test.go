//go:build !unix

package pipeline

import "testing"

func reportPeakRSS(b *testing.B) {}

func cpuSeconds() float64 { return 0 }
