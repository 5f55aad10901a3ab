//go:build unix

package pipeline

import (
	"runtime"
	"syscall"
	"testing"
)

// reportPeakRSS reports the process's peak resident memory so far.
func reportPeakRSS(b *testing.B) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return
	}
	kib := float64(ru.Maxrss)
	if runtime.GOOS == "darwin" {
		kib /= 1024 // macOS reports bytes
	}
	b.ReportMetric(kib/1024, "peak-RSS-MB")
}
