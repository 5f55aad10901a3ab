//go:build !linux

package date

import "time"

// threadCPU is only measured on Linux; elsewhere the cpu-ns metric reads 0.
func threadCPU() time.Duration { return 0 }
